'use strict';

/**
 * `npx sequelize-cli db:seed:all` entry for the demo data. The data itself is written by
 * server/services/bootstrap/seedDemo.ts (through the domain services, so quota goes through the
 * ledger); this CommonJS file loads it with tsx, the same code `npm run seed:demo` runs.
 * Re-running changes nothing. `down` is deliberately empty: demo rows are removed by dropping the
 * database, never by guessing which rows a seeder owns.
 */
module.exports = {
  async up() {
    const { tsImport } = require('tsx/esm/api');
    const { loadEnvironment, checkServices, closeEverything } = await tsImport('../server/bin/lifecycle.ts', __filename);
    const { seedDemo, DEFAULT_SEED_PASSWORD } = await tsImport('../server/services/bootstrap/seedDemo.ts', __filename);
    const cfg = loadEnvironment();
    try {
      await checkServices(cfg);
      await seedDemo({
        password: process.env.SEED_PASSWORD || DEFAULT_SEED_PASSWORD,
        appKey: process.env.SEED_APP_KEY || undefined,
        appSecret: process.env.SEED_APP_SECRET || undefined,
      });
    } finally {
      await closeEverything();
    }
  },
  async down() {},
};
