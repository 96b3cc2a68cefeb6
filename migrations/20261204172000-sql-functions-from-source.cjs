'use strict';

const fs = require('node:fs');
const path = require('node:path');

/**
 * The points and metering functions are source files now, one per function, beside the service
 * that owns them (server/services/points/sql, server/services/metering/sql). This migration loads
 * its own copy of them, sql/20261204172000, so it never changes when the sources do: a later change
 * comes with a new snapshot and a new migration (see server/services/metering/CONTEXT.md).
 *
 * New: charge_verdict, the order of a charge's checks, which charge_points and charge_points_batch
 * both wrote out before; they now both decide through it (same checks, same order, same answers).
 *
 * `down` drops charge_verdict and loads sql/20261122110000: every function exactly as the migrations
 * up to 20261122110000 left it.
 */
async function load(queryInterface, snapshot, transaction) {
  const dir = path.join(__dirname, 'sql', snapshot);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    await queryInterface.sequelize.query(fs.readFileSync(path.join(dir, file), 'utf8'), { transaction });
  }
}

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.transaction((transaction) => load(queryInterface, '20261204172000', transaction));
  },

  async down(queryInterface) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      await load(queryInterface, '20261122110000', transaction);
      await queryInterface.sequelize.query(
        'DROP FUNCTION charge_verdict(boolean, boolean, boolean, boolean, boolean, smallint, boolean, smallint, boolean, smallint, integer, integer)',
        { transaction },
      );
    });
  },
};
