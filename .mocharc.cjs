// Tests run on real PostgreSQL and Redis: a fresh database and Redis prefix per run (test/support/global.ts).
// Run a subset with MOCHA_SPEC='server/services/quota/**/*.test.ts,test/foo.test.ts' npm test.
const all = ['server/**/*.test.ts', 'admin/**/*.test.ts', 'worker/**/*.test.ts', 'test/**/*.test.ts'];

module.exports = {
  'node-option': ['import=tsx'],
  require: ['test/support/global.ts'],
  spec: process.env.MOCHA_SPEC ? process.env.MOCHA_SPEC.split(',') : all,
  timeout: 30000,
  exit: true,
};
