'use strict';

const { execFileSync } = require('node:child_process');
const path = require('node:path');

/**
 * `npx sequelize-cli db:seed:all` entry for the demo data. The data is written by
 * server/services/bootstrap/seedDemo.ts through the domain services (quota through the ledger),
 * so this CommonJS seeder runs the same command as `npm run seed:demo` (the ESM TypeScript code,
 * through tsx) with the same environment. Re-running changes nothing. `down` is deliberately
 * empty: demo rows go away with the database, never by guessing which rows a seeder owns.
 */
module.exports = {
  async up() {
    const root = path.resolve(__dirname, '..');
    execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'cli', 'index.ts'), 'seed:demo'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
  },
  async down() {},
};
