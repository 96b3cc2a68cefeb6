'use strict';

/**
 * Account anomalies.
 * - `security_events`: the security log (安全日志). `user_id` is the account the event is about (row
 *   scope: agent admins see their agents'), `kind` what happened, `details` the figures behind it.
 * - `login_fingerprints`: the networks (/24 IPv4, /48 IPv6) and browsers each admin user logged in
 *   from, with when they were last seen, so a login from one not seen for N days can be told.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE security_events (
        id BIGSERIAL PRIMARY KEY,
        user_id INTEGER REFERENCES admin_users(id) ON DELETE CASCADE,
        kind VARCHAR(32) NOT NULL CHECK (kind IN ('new_network', 'new_browser', 'account_locked', 'sensitive_ops_limited')),
        ip VARCHAR(64),
        user_agent VARCHAR(1000),
        details JSONB,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX security_events_user_idx ON security_events (user_id, created_at DESC);
      CREATE INDEX security_events_kind_idx ON security_events (kind, created_at DESC);
      CREATE INDEX security_events_created_idx ON security_events (created_at);

      CREATE TABLE login_fingerprints (
        user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        kind VARCHAR(16) NOT NULL CHECK (kind IN ('network', 'browser')),
        value VARCHAR(128) NOT NULL,
        first_seen_at TIMESTAMPTZ NOT NULL,
        last_seen_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (user_id, kind, value)
      );
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE IF EXISTS login_fingerprints;
      DROP TABLE IF EXISTS security_events;
    `);
  },
};
