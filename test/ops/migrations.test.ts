import assert from 'node:assert/strict';
import pg from 'pg';
import { dropDatabase, ensureDatabase, runSequelizeCli } from '../../server/db/preflight.js';
import { TEST_DATABASE_URL } from '../support/global.js';

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    return rows.map((r) => r.tablename);
  } finally {
    await client.end();
  }
}

describe('migrations (sequelize-cli, own database)', function () {
  this.timeout(180_000);
  const url = `${TEST_DATABASE_URL}_migrations`;

  before(async () => {
    assert.equal((await ensureDatabase(url)).created, true);
  });
  after(() => dropDatabase(url));

  it('go up, all the way down (db:migrate:undo:all) and up again to the same schema', async () => {
    await runSequelizeCli(['db:migrate'], url);
    const first = await tables(url);
    for (const t of ['admin_users', 'quota_ledger', 'card_keys', 'meta_product', 'rel_product_package', 'email_messages', 'system_logs', 'banners', 'api_catalog']) {
      assert.ok(first.includes(t), `${t} exists after migrating`);
    }

    await runSequelizeCli(['db:migrate:undo:all'], url);
    assert.deepEqual(await tables(url), ['sequelize_meta'], 'only the bookkeeping table is left after undo:all');

    await runSequelizeCli(['db:migrate'], url);
    assert.deepEqual(await tables(url), first);
    const status = await runSequelizeCli(['db:migrate:status'], url);
    assert.doesNotMatch(status, /^down /m, 'no migration is pending');
  });
});
