'use strict';

/** Banners, articles, notifications, system config, logs, email outbox, backups and daily stats. */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE banners (
        id SERIAL PRIMARY KEY,
        title VARCHAR(100) NOT NULL,
        image_url VARCHAR(1024) NOT NULL,
        image_mime VARCHAR(16) CHECK (image_mime IS NULL OR image_mime IN ('image/jpeg', 'image/png')),
        image_size INTEGER CHECK (image_size IS NULL OR image_size BETWEEN 1 AND 2097152),
        link_url VARCHAR(1024),
        sort INTEGER NOT NULL DEFAULT 0,
        status SMALLINT NOT NULL DEFAULT 1 CHECK (status IN (0, 1)),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX banners_list_idx ON banners (status, sort);

      CREATE TABLE articles (
        id SERIAL PRIMARY KEY,
        kind VARCHAR(16) NOT NULL DEFAULT 'article' CHECK (kind IN ('article', 'announcement', 'service_status')),
        title VARCHAR(200) NOT NULL,
        summary VARCHAR(500),
        content TEXT NOT NULL,
        status VARCHAR(16) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
        published_at TIMESTAMPTZ,
        author_id INTEGER REFERENCES admin_users(id) ON DELETE SET NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX articles_list_idx ON articles (kind, status, published_at DESC);

      CREATE TABLE notifications (
        id BIGSERIAL PRIMARY KEY,
        kind VARCHAR(16) NOT NULL CHECK (kind IN ('system', 'business')),
        event VARCHAR(64),
        title VARCHAR(200) NOT NULL,
        body TEXT NOT NULL,
        audience VARCHAR(16) NOT NULL CHECK (audience IN ('all', 'role', 'users')),
        audience_role VARCHAR(16) CHECK (audience_role IS NULL OR audience_role IN ('super_admin', 'agent_admin', 'agent')),
        send_email BOOLEAN NOT NULL DEFAULT false,
        scheduled_at TIMESTAMPTZ,
        sent_at TIMESTAMPTZ,
        created_by INTEGER REFERENCES admin_users(id) ON DELETE SET NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK (audience <> 'role' OR audience_role IS NOT NULL)
      );
      CREATE INDEX notifications_scheduled_idx ON notifications (scheduled_at) WHERE sent_at IS NULL;

      CREATE TABLE notification_recipients (
        id BIGSERIAL PRIMARY KEY,
        notification_id BIGINT NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        read_at TIMESTAMPTZ,
        emailed_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (notification_id, user_id)
      );
      CREATE INDEX notification_recipients_unread_idx ON notification_recipients (user_id, created_at DESC) WHERE read_at IS NULL;
      CREATE INDEX notification_recipients_user_idx ON notification_recipients (user_id, created_at DESC);

      CREATE TABLE system_configs (
        key VARCHAR(64) PRIMARY KEY,
        config_group VARCHAR(16) NOT NULL CHECK (config_group IN ('basic', 'security', 'quota', 'notification', 'card_key', 'points')),
        value JSONB NOT NULL,
        description TEXT,
        updated_by INTEGER REFERENCES admin_users(id) ON DELETE SET NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );

      CREATE TABLE system_config_changes (
        id BIGSERIAL PRIMARY KEY,
        key VARCHAR(64) NOT NULL REFERENCES system_configs(key) ON DELETE CASCADE,
        before JSONB,
        after JSONB NOT NULL,
        actor_id INTEGER REFERENCES admin_users(id) ON DELETE SET NULL,
        ip VARCHAR(64),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX system_config_changes_key_idx ON system_config_changes (key, created_at DESC);

      -- Audit trail. owner_id is the admin user whose data the action concerns, for row scoping.
      CREATE TABLE operation_logs (
        id BIGSERIAL PRIMARY KEY,
        actor_id INTEGER REFERENCES admin_users(id) ON DELETE SET NULL,
        actor_role VARCHAR(16),
        owner_id INTEGER REFERENCES admin_users(id) ON DELETE SET NULL,
        action VARCHAR(64) NOT NULL,
        resource VARCHAR(64) NOT NULL,
        record_id VARCHAR(64),
        before JSONB,
        after JSONB,
        ip VARCHAR(64),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX operation_logs_actor_idx ON operation_logs (actor_id, created_at DESC);
      CREATE INDEX operation_logs_owner_idx ON operation_logs (owner_id, created_at DESC);
      CREATE INDEX operation_logs_created_idx ON operation_logs (created_at);

      CREATE TABLE system_logs (
        id BIGSERIAL PRIMARY KEY,
        level VARCHAR(8) NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error', 'alert')),
        source VARCHAR(64) NOT NULL,
        message TEXT NOT NULL,
        context JSONB,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX system_logs_created_idx ON system_logs (created_at);
      CREATE INDEX system_logs_level_idx ON system_logs (level, created_at DESC);

      CREATE TABLE api_call_logs (
        id BIGSERIAL PRIMARY KEY,
        method VARCHAR(8) NOT NULL,
        path VARCHAR(255) NOT NULL,
        status INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        project_id INTEGER REFERENCES projects(id) ON DELETE SET NULL,
        mini_user_id UUID,
        ip VARCHAR(64),
        request_id VARCHAR(64),
        error_code VARCHAR(32),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX api_call_logs_created_idx ON api_call_logs (created_at);
      CREATE INDEX api_call_logs_project_idx ON api_call_logs (project_id, created_at DESC);

      -- Every email: queued, sent, failed, or kept in the outbox when no SMTP relay is configured.
      CREATE TABLE email_messages (
        id BIGSERIAL PRIMARY KEY,
        to_address VARCHAR(254) NOT NULL,
        user_id INTEGER REFERENCES admin_users(id) ON DELETE SET NULL,
        template VARCHAR(64),
        subject VARCHAR(300) NOT NULL,
        text_body TEXT NOT NULL,
        html_body TEXT,
        status VARCHAR(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'outbox')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        message_id VARCHAR(255),
        sent_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX email_messages_status_idx ON email_messages (status, created_at DESC);
      CREATE INDEX email_messages_user_idx ON email_messages (user_id, created_at DESC);

      CREATE TABLE backups (
        id SERIAL PRIMARY KEY,
        file_name VARCHAR(255) NOT NULL UNIQUE,
        kind VARCHAR(16) NOT NULL CHECK (kind IN ('daily', 'weekly', 'monthly', 'manual')),
        status VARCHAR(16) NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'verified', 'failed', 'deleted')),
        size_bytes BIGINT,
        sha256 CHAR(64),
        error TEXT,
        verified_at TIMESTAMPTZ,
        created_by INTEGER REFERENCES admin_users(id) ON DELETE SET NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );

      -- Daily rollups written by the worker; dashboards read these, never the raw logs.
      CREATE TABLE daily_card_key_stats (
        id BIGSERIAL PRIMARY KEY,
        day DATE NOT NULL,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        agent_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        generated INTEGER NOT NULL DEFAULT 0,
        activated INTEGER NOT NULL DEFAULT 0,
        verified INTEGER NOT NULL DEFAULT 0,
        expired INTEGER NOT NULL DEFAULT 0,
        disabled INTEGER NOT NULL DEFAULT 0,
        UNIQUE (day, project_id, agent_id)
      );
      CREATE INDEX daily_card_key_stats_agent_idx ON daily_card_key_stats (agent_id, day);

      CREATE TABLE daily_quota_stats (
        id BIGSERIAL PRIMARY KEY,
        day DATE NOT NULL,
        user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        type VARCHAR(32) NOT NULL,
        amount NUMERIC(18,2) NOT NULL DEFAULT 0,
        moves INTEGER NOT NULL DEFAULT 0,
        UNIQUE (day, user_id, type)
      );
      CREATE INDEX daily_quota_stats_user_idx ON daily_quota_stats (user_id, day);

      CREATE TABLE daily_activity_stats (
        id BIGSERIAL PRIMARY KEY,
        day DATE NOT NULL,
        hour SMALLINT NOT NULL CHECK (hour BETWEEN 0 AND 23),
        user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        logins INTEGER NOT NULL DEFAULT 0,
        operations INTEGER NOT NULL DEFAULT 0,
        UNIQUE (day, hour, user_id)
      );
      CREATE INDEX daily_activity_stats_user_idx ON daily_activity_stats (user_id, day);

      CREATE TABLE daily_points_stats (
        id BIGSERIAL PRIMARY KEY,
        day DATE NOT NULL,
        operation_type SMALLINT NOT NULL,
        points INTEGER NOT NULL DEFAULT 0,
        records INTEGER NOT NULL DEFAULT 0,
        UNIQUE (day, operation_type)
      );
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE IF EXISTS daily_points_stats;
      DROP TABLE IF EXISTS daily_activity_stats;
      DROP TABLE IF EXISTS daily_quota_stats;
      DROP TABLE IF EXISTS daily_card_key_stats;
      DROP TABLE IF EXISTS backups;
      DROP TABLE IF EXISTS email_messages;
      DROP TABLE IF EXISTS api_call_logs;
      DROP TABLE IF EXISTS system_logs;
      DROP TABLE IF EXISTS operation_logs;
      DROP TABLE IF EXISTS system_config_changes;
      DROP TABLE IF EXISTS system_configs;
      DROP TABLE IF EXISTS notification_recipients;
      DROP TABLE IF EXISTS notifications;
      DROP TABLE IF EXISTS articles;
      DROP TABLE IF EXISTS banners;
    `);
  },
};
