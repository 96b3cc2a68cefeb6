'use strict';

/**
 * Service status per API of the catalog (issue 12 item 7): what the super admin says about each
 * API (normal / degraded / maintenance, with a message shown on the mini-program's home page).
 * An automatic "degraded" (too many failed or refused charges) is computed from api_call_logs,
 * hence the index on (api_name, created_at) for metering calls.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE api_catalog
        ADD COLUMN service_status VARCHAR(16) NOT NULL DEFAULT 'normal' CHECK (service_status IN ('normal', 'degraded', 'maintenance')),
        ADD COLUMN service_message VARCHAR(500);
      CREATE INDEX api_call_logs_api_name_idx ON api_call_logs (api_name, created_at DESC) WHERE api_name IS NOT NULL;
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP INDEX IF EXISTS api_call_logs_api_name_idx;
      ALTER TABLE api_catalog DROP COLUMN IF EXISTS service_status, DROP COLUMN IF EXISTS service_message;
    `);
  },
};
