'use strict';

/**
 * Backups that can be followed and restored (issue 14): progress of a running backup, soft deletion
 * by retention, restore requests approved by a second super admin, and the monthly log archives.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE backups
        ADD COLUMN phase VARCHAR(16) CHECK (phase IS NULL OR phase IN ('dumping', 'verifying')),
        ADD COLUMN progress_bytes BIGINT,
        ADD COLUMN table_count INTEGER,
        ADD COLUMN deleted_at TIMESTAMPTZ;
      CREATE INDEX backups_retention_idx ON backups (kind, status, created_at DESC);

      CREATE TABLE backup_restore_requests (
        id SERIAL PRIMARY KEY,
        backup_id INTEGER NOT NULL REFERENCES backups(id),
        target_database VARCHAR(63) NOT NULL,
        in_place BOOLEAN NOT NULL DEFAULT false,
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        status VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'used')),
        requested_by INTEGER NOT NULL REFERENCES admin_users(id),
        decided_by INTEGER REFERENCES admin_users(id),
        decided_at TIMESTAMPTZ,
        used_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK (decided_by IS NULL OR decided_by <> requested_by)
      );
      CREATE INDEX backup_restore_requests_status_idx ON backup_restore_requests (status, created_at DESC);

      CREATE TABLE log_archives (
        id SERIAL PRIMARY KEY,
        table_name VARCHAR(64) NOT NULL,
        month DATE NOT NULL,
        row_count INTEGER NOT NULL,
        first_id BIGINT,
        last_id BIGINT,
        file_name VARCHAR(255) NOT NULL UNIQUE,
        size_bytes BIGINT NOT NULL,
        sha256 CHAR(64) NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX log_archives_table_month_idx ON log_archives (table_name, month);
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE IF EXISTS log_archives;
      DROP TABLE IF EXISTS backup_restore_requests;
      DROP INDEX IF EXISTS backups_retention_idx;
      ALTER TABLE backups DROP COLUMN IF EXISTS phase, DROP COLUMN IF EXISTS progress_bytes,
        DROP COLUMN IF EXISTS table_count, DROP COLUMN IF EXISTS deleted_at;
    `);
  },
};
