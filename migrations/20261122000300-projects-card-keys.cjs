'use strict';

/** Projects (software sold through card keys), authorizations, applications, batches, keys, verifications, callbacks. */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE projects (
        id SERIAL PRIMARY KEY,
        name VARCHAR(64) NOT NULL,
        description TEXT,
        version VARCHAR(32),
        status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
        kind VARCHAR(16) NOT NULL DEFAULT 'software' CHECK (kind IN ('software', 'points')),
        points_per_key INTEGER CHECK (points_per_key IS NULL OR points_per_key > 0),
        app_key VARCHAR(64) NOT NULL UNIQUE,
        app_secret_enc TEXT NOT NULL,
        previous_secret_enc TEXT,
        previous_secret_expires_at TIMESTAMPTZ,
        sign_public_key TEXT NOT NULL,
        sign_private_key_enc TEXT NOT NULL,
        callback_url VARCHAR(2048),
        max_unbinds INTEGER NOT NULL DEFAULT 3 CHECK (max_unbinds >= 0),
        unbind_cooldown_minutes INTEGER NOT NULL DEFAULT 0 CHECK (unbind_cooldown_minutes >= 0),
        share_ip_threshold INTEGER NOT NULL DEFAULT 5 CHECK (share_ip_threshold > 0),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK (kind <> 'points' OR points_per_key IS NOT NULL)
      );
      CREATE UNIQUE INDEX projects_name_lower_key ON projects (lower(name));

      -- The price list: quota cost of one key for each offered validity (NULL days = permanent).
      CREATE TABLE project_prices (
        id SERIAL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        label VARCHAR(32) NOT NULL,
        duration_days INTEGER CHECK (duration_days IS NULL OR duration_days > 0),
        unit_price NUMERIC(16,2) NOT NULL CHECK (unit_price > 0),
        sort INTEGER NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (project_id, label)
      );

      CREATE TABLE project_authorizations (
        id SERIAL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE RESTRICT,
        agent_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE RESTRICT,
        granted_by INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        status VARCHAR(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
        expires_at TIMESTAMPTZ,
        expiry_notified_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (project_id, agent_id)
      );
      CREATE INDEX project_authorizations_agent_idx ON project_authorizations (agent_id);

      CREATE TABLE project_applications (
        id SERIAL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE RESTRICT,
        agent_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE RESTRICT,
        reason TEXT NOT NULL,
        status VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        reviewer_id INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        review_opinion TEXT,
        reviewed_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX project_applications_one_pending ON project_applications (project_id, agent_id) WHERE status = 'pending';
      CREATE INDEX project_applications_agent_idx ON project_applications (agent_id, created_at DESC);

      CREATE TABLE card_key_batches (
        id BIGSERIAL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE RESTRICT,
        agent_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE RESTRICT,
        created_by INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        validity_label VARCHAR(32) NOT NULL,
        duration_days INTEGER CHECK (duration_days IS NULL OR duration_days > 0),
        unit_price NUMERIC(16,2) NOT NULL CHECK (unit_price > 0),
        count INTEGER NOT NULL CHECK (count > 0),
        total_cost NUMERIC(16,2) NOT NULL CHECK (total_cost > 0),
        status VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'generating', 'completed', 'failed', 'disabled')),
        progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        error TEXT,
        refunded_count INTEGER NOT NULL DEFAULT 0 CHECK (refunded_count >= 0),
        memo TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX card_key_batches_agent_idx ON card_key_batches (agent_id, created_at DESC);
      CREATE INDEX card_key_batches_project_idx ON card_key_batches (project_id);

      CREATE TABLE card_keys (
        id BIGSERIAL PRIMARY KEY,
        code CHAR(19) NOT NULL UNIQUE,
        batch_id BIGINT NOT NULL REFERENCES card_key_batches(id) ON DELETE RESTRICT,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE RESTRICT,
        agent_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE RESTRICT,
        status VARCHAR(16) NOT NULL DEFAULT 'unused' CHECK (status IN ('unused', 'active', 'expired', 'disabled', 'revoked', 'redeemed')),
        duration_days INTEGER CHECK (duration_days IS NULL OR duration_days > 0),
        device_id VARCHAR(128),
        device_info JSONB,
        activated_at TIMESTAMPTZ,
        expires_at TIMESTAMPTZ,
        bound_at TIMESTAMPTZ,
        unbind_count INTEGER NOT NULL DEFAULT 0 CHECK (unbind_count >= 0),
        last_unbind_at TIMESTAMPTZ,
        last_verified_at TIMESTAMPTZ,
        shared_flagged_at TIMESTAMPTZ,
        redeemed_by UUID,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK (status <> 'active' OR (device_id IS NOT NULL AND activated_at IS NOT NULL))
      );
      CREATE INDEX card_keys_agent_status_idx ON card_keys (agent_id, status, created_at DESC, id DESC);
      CREATE INDEX card_keys_agent_created_idx ON card_keys (agent_id, created_at DESC, id DESC);
      CREATE INDEX card_keys_batch_idx ON card_keys (batch_id);
      CREATE INDEX card_keys_project_status_idx ON card_keys (project_id, status);
      CREATE INDEX card_keys_expiry_idx ON card_keys (expires_at) WHERE status = 'active';
      CREATE INDEX card_keys_shared_idx ON card_keys (shared_flagged_at) WHERE shared_flagged_at IS NOT NULL;

      CREATE TABLE card_key_verifications (
        id BIGSERIAL PRIMARY KEY,
        card_key_id BIGINT REFERENCES card_keys(id) ON DELETE SET NULL,
        project_id INTEGER REFERENCES projects(id) ON DELETE SET NULL,
        agent_id INTEGER,
        code VARCHAR(64),
        device_id VARCHAR(128),
        ip VARCHAR(64),
        result VARCHAR(32) NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX card_key_verifications_key_idx ON card_key_verifications (card_key_id, created_at DESC);
      CREATE INDEX card_key_verifications_created_idx ON card_key_verifications (created_at);

      CREATE TABLE callback_deliveries (
        id BIGSERIAL PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        card_key_id BIGINT REFERENCES card_keys(id) ON DELETE SET NULL,
        event VARCHAR(32) NOT NULL,
        url VARCHAR(2048) NOT NULL,
        payload JSONB NOT NULL,
        status VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_status_code INTEGER,
        last_error TEXT,
        delivered_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX callback_deliveries_project_idx ON callback_deliveries (project_id, created_at DESC);
      CREATE INDEX callback_deliveries_status_idx ON callback_deliveries (status, created_at);
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE IF EXISTS callback_deliveries;
      DROP TABLE IF EXISTS card_key_verifications;
      DROP TABLE IF EXISTS card_keys;
      DROP TABLE IF EXISTS card_key_batches;
      DROP TABLE IF EXISTS project_applications;
      DROP TABLE IF EXISTS project_authorizations;
      DROP TABLE IF EXISTS project_prices;
      DROP TABLE IF EXISTS projects;
    `);
  },
};
