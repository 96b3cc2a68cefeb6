'use strict';

/**
 * One row per fault check of the worker's `ops.check-faults` job (PostgreSQL, Redis, queue backlog,
 * jobs failed for good, 5xx rate, free disk): whether a fault is open, since when and why, so a new
 * fault alerts once and its recovery once more, however many workers run the check.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE fault_states (
        check_name VARCHAR(64) PRIMARY KEY,
        active BOOLEAN NOT NULL DEFAULT false,
        since TIMESTAMPTZ,
        detail TEXT,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP TABLE fault_states;');
  },
};
