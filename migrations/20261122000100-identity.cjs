'use strict';

/** Admin users (super admin, agent admin, agent), their sessions, login log and email tokens. */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE admin_users (
        id SERIAL PRIMARY KEY,
        username VARCHAR(32) NOT NULL CHECK (username ~ '^[A-Za-z0-9_]{3,32}$'),
        email VARCHAR(254),
        password_hash TEXT NOT NULL,
        role VARCHAR(16) NOT NULL CHECK (role IN ('super_admin', 'agent_admin', 'agent')),
        parent_id INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('pending', 'active', 'frozen')),
        must_change_password BOOLEAN NOT NULL DEFAULT false,
        failed_login_count INTEGER NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
        locked_until TIMESTAMPTZ,
        email_verified_at TIMESTAMPTZ,
        last_login_at TIMESTAMPTZ,
        last_login_ip VARCHAR(64),
        password_changed_at TIMESTAMPTZ,
        locale VARCHAR(8) NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK (role = 'agent' OR parent_id IS NULL),
        CHECK (parent_id IS NULL OR parent_id <> id)
      );
      CREATE UNIQUE INDEX admin_users_username_lower_key ON admin_users (lower(username));
      CREATE UNIQUE INDEX admin_users_email_lower_key ON admin_users (lower(email)) WHERE email IS NOT NULL;
      CREATE INDEX admin_users_parent_idx ON admin_users (parent_id);
      CREATE INDEX admin_users_role_status_idx ON admin_users (role, status);

      -- express-session store (connect-pg-simple), shared by every web process.
      CREATE TABLE admin_sessions (
        sid VARCHAR NOT NULL PRIMARY KEY,
        sess JSON NOT NULL,
        expire TIMESTAMP(6) NOT NULL
      );
      CREATE INDEX admin_sessions_expire_idx ON admin_sessions (expire);
      CREATE INDEX admin_sessions_user_idx ON admin_sessions (((sess -> 'adminUser' ->> 'id')));

      CREATE TABLE login_logs (
        id BIGSERIAL PRIMARY KEY,
        username VARCHAR(64) NOT NULL,
        user_id INTEGER REFERENCES admin_users(id) ON DELETE SET NULL,
        ip VARCHAR(64),
        user_agent TEXT,
        success BOOLEAN NOT NULL,
        reason VARCHAR(64) NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX login_logs_user_idx ON login_logs (user_id, created_at DESC);
      CREATE INDEX login_logs_username_idx ON login_logs (lower(username), created_at DESC);
      CREATE INDEX login_logs_created_idx ON login_logs (created_at);

      CREATE TABLE email_tokens (
        id BIGSERIAL PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        purpose VARCHAR(24) NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'set_password')),
        token_hash CHAR(64) NOT NULL UNIQUE,
        expires_at TIMESTAMPTZ NOT NULL,
        used_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE IF EXISTS email_tokens;
      DROP TABLE IF EXISTS login_logs;
      DROP TABLE IF EXISTS admin_sessions;
      DROP TABLE IF EXISTS admin_users;
    `);
  },
};
