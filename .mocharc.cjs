// Tests run on real PostgreSQL and Redis: a fresh database and Redis prefix per run (test/support/global.ts).
module.exports = {
  'node-option': ['import=tsx'],
  require: ['test/support/global.ts'],
  spec: ['server/**/*.test.ts', 'admin/**/*.test.ts', 'worker/**/*.test.ts', 'test/**/*.test.ts'],
  timeout: 30000,
  exit: true,
};
