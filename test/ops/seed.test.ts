import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import pg from 'pg';
import { dropDatabase } from '../../server/db/preflight.js';
import { openSecret } from '../../server/lib/secretBox.js';
import { TEST_DATABASE_URL } from '../support/global.js';
import { runCli } from './child.js';

const url = `${TEST_DATABASE_URL}_seed`;
const env = {
  DATABASE_URL: url,
  REDIS_PREFIX: `${process.env.REDIS_PREFIX}:seed`,
  SEED_PASSWORD: 'DemoPass2026',
  SEED_APP_KEY: 'demo_app_key_0001',
  SEED_APP_SECRET: 'demo-app-secret-0123456789abcdef',
};

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Row count of every application table, plus every balance and ledger total: what "changes nothing" means. */
async function snapshot(): Promise<Record<string, unknown>> {
  const tables = await query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('sequelize_meta', 'sequelize_data') ORDER BY 1`,
  );
  const counts: Record<string, unknown> = {};
  for (const { tablename } of tables) counts[tablename] = Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "${tablename}"`))[0]!.n);
  counts.balances = await query(`SELECT u.username, a.balance, a.frozen FROM quota_accounts a JOIN admin_users u ON u.id = a.user_id ORDER BY 1`);
  counts.passwordHashes = await query(`SELECT username, password_hash FROM admin_users ORDER BY 1`);
  return counts;
}

describe('npm run seed:demo (the real CLI, own database)', function () {
  this.timeout(180_000);
  after(() => dropDatabase(url));

  it('creates the demo data, and a second run changes nothing', async () => {
    const first = await runCli(['seed:demo'], env);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const before = await snapshot();

    const users = await query<{ username: string; role: string; parent: string | null; password_hash: string; status: string }>(
      `SELECT u.username, u.role, p.username AS parent, u.password_hash, u.status FROM admin_users u LEFT JOIN admin_users p ON p.id = u.parent_id ORDER BY u.username`,
    );
    assert.deepEqual(
      users.map((u) => [u.username, u.role, u.parent]),
      [
        ['agent1a', 'agent', 'agentadmin1'],
        ['agent1b', 'agent', 'agentadmin1'],
        ['agent2a', 'agent', 'agentadmin2'],
        ['agent2b', 'agent', 'agentadmin2'],
        ['agentadmin1', 'agent_admin', null],
        ['agentadmin2', 'agent_admin', null],
        ['superadmin', 'super_admin', null],
      ],
    );
    for (const u of users) {
      assert.equal(u.status, 'active');
      assert.ok(await bcrypt.compare('DemoPass2026', u.password_hash), `${u.username} has SEED_PASSWORD`);
    }

    const balances = await query<{ username: string; balance: string; ledger: string; types: string }>(
      `SELECT u.username, a.balance, (SELECT sum(balance_delta) FROM quota_ledger l WHERE l.user_id = u.id) AS ledger,
              (SELECT string_agg(DISTINCT type, ',') FROM quota_ledger l WHERE l.user_id = u.id) AS types
         FROM admin_users u JOIN quota_accounts a ON a.user_id = u.id WHERE u.role <> 'super_admin' ORDER BY 1`,
    );
    assert.equal(balances.length, 6);
    for (const b of balances) {
      assert.equal(b.balance, '10000.00', `${b.username} balance`);
      assert.equal(b.ledger, '10000.00', `${b.username} ledger replays to the balance`);
      assert.equal(b.types, 'system_recharge');
    }

    const packages = await query<{ package_price: string; total_points: number; is_hot: boolean; bonus: number | null }>(
      `SELECT k.package_price, k.total_points, k.is_hot, pr.bonus_points AS bonus FROM rel_product_package k LEFT JOIN meta_promotion pr ON pr.id = k.promotion_id ORDER BY k.package_price`,
    );
    assert.deepEqual(
      packages.map((p) => [p.package_price, p.total_points, p.is_hot, p.bonus]),
      [
        ['10.00', 100, false, null],
        ['50.00', 600, true, null],
        ['300.00', 4000, false, 200],
      ],
    );

    const [project] = await query<{ id: number; app_key: string; app_secret_enc: string }>(`SELECT id, app_key, app_secret_enc FROM projects WHERE name = 'demo'`);
    assert.equal(project!.app_key, 'demo_app_key_0001');
    assert.equal(openSecret(project!.app_secret_enc), 'demo-app-secret-0123456789abcdef');
    const prices = await query<{ label: string; duration_days: number | null }>(`SELECT label, duration_days FROM project_prices WHERE project_id = ${project!.id} ORDER BY sort`);
    assert.deepEqual(prices.map((p) => [p.label, p.duration_days]), [['1d', 1], ['30d', 30], ['365d', 365], ['permanent', null]]);
    const authorized = await query<{ username: string }>(
      `SELECT u.username FROM project_authorizations a JOIN admin_users u ON u.id = a.agent_id WHERE a.project_id = ${project!.id} AND a.status = 'active' ORDER BY 1`,
    );
    assert.deepEqual(authorized.map((a) => a.username), ['agent1a', 'agent1b', 'agent2a', 'agent2b']);
    assert.ok((before.banners as number) >= 1);
    assert.ok((before.api_catalog as number) >= 1);

    const second = await runCli(['seed:demo'], env);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    assert.match(second.stdout, /nothing changed/);
    assert.deepEqual(await snapshot(), before);
  });
});
