/**
 * The admin card-key list API on a large table: one agent's keys, filtered by status, sorted by
 * creation time, through the real AdminJS route with a logged-in session and the scoped adapter,
 * vs the equivalent raw SQL (page + capped count) in the same process.
 *   npx tsx bench/adminList.ts        (BENCH_TOTAL=1000000 BENCH_REQUESTS=200)
 * Targets (docs/performance.md): p95 ≤ 150 ms and ≤ 3× the raw SQL.
 */
import './env.js';
import type { AddressInfo } from 'node:net';
import { QueryTypes } from 'sequelize';
import { mountAdminWith } from '../admin/mount.js';
import { createApp } from '../server/app.js';
import { db } from '../server/db/index.js';
import { generateCardKeys } from '../server/services/cardKeys/generateCardKeys.js';
import { grantAuthorization } from '../server/services/projects/authorizations.js';
import { createAdminUser } from '../server/services/identity/createAdminUser.js';
import { closeBenchDatabase, fmt, makeBenchWorld, openBenchDatabase } from './setup.js';
import { inTransaction } from '../server/db/index.js';
import { applyQuotaChanges } from '../server/services/quota/ledger.js';

const TOTAL = Number(process.env.BENCH_TOTAL ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const PER_AGENT = TOTAL / 5;

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

async function main(): Promise<void> {
  process.env.ADMIN_JS_SKIP_BUNDLE = 'true'; // the JSON API is measured, not the front-end assets
  await openBenchDatabase();
  const world = await makeBenchWorld();
  const agents = [world.agent];
  for (let i = 1; i < 5; i++) {
    const u = await createAdminUser({ username: `bench_agent${i}`, password: 'abcd1234', role: 'agent' });
    agents.push({ id: u.id, role: 'agent', parentId: null });
    await grantAuthorization({ actor: world.root, projectId: world.projectId, agentId: u.id });
    await inTransaction((t) => applyQuotaChanges([{ userId: u.id, type: 'system_recharge', balanceDelta: '100000000.00' }], t));
  }
  const started = performance.now();
  for (const agent of agents) {
    for (let made = 0; made < PER_AGENT; made += 100_000) {
      await generateCardKeys({ actor: agent, agentId: agent.id, projectId: world.projectId, validityLabel: '30天', count: Math.min(100_000, PER_AGENT - made), synchronous: true });
    }
  }
  // A realistic mix: a fifth of the keys active.
  await db().query(`UPDATE card_keys SET status = 'active', device_id = 'd' || id, activated_at = now(), expires_at = now() + interval '30 days' WHERE id % 5 = 0`);
  await db().query('VACUUM ANALYZE card_keys');
  console.log(`seeded ${TOTAL} keys in ${fmt((performance.now() - started) / 1000)} s`);

  const app = await createApp({ mountAdmin: (a) => mountAdminWith(a, { assets: 'dev' }).then(() => undefined) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const login = await fetch(`${base}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'bench_agent', password: 'abcd1234' }),
      redirect: 'manual',
    });
    const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    if (!cookie) throw new Error(`login failed: HTTP ${login.status}`);
    const url = `${base}/admin/api/resources/card_keys/actions/list?filters.status=active&sortBy=createdAt&direction=desc&page=`;
    const probe = (await (await fetch(`${url}1`, { headers: { cookie } })).json()) as { records?: unknown[]; meta?: { total?: number } };
    if (!probe.records?.length) throw new Error(`list returned no records: ${JSON.stringify(probe).slice(0, 300)}`);

    const apiTimes: number[] = [];
    const sqlTimes: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const page = 1 + (i % 5);
      let t = performance.now();
      const res = await fetch(`${url}${page}`, { headers: { cookie } });
      await res.arrayBuffer();
      apiTimes.push(performance.now() - t);
      t = performance.now();
      await db().query(
        `SELECT * FROM card_keys WHERE agent_id = :agent AND status = 'active' ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET :offset`,
        { replacements: { agent: world.agent.id, offset: (page - 1) * 20 }, type: QueryTypes.SELECT },
      );
      await db().query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM card_keys WHERE agent_id = :agent AND status = 'active' LIMIT 10000) s`, {
        replacements: { agent: world.agent.id },
        type: QueryTypes.SELECT,
      });
      sqlTimes.push(performance.now() - t);
    }
    console.log(`\nAdmin card-key list — ${TOTAL} keys, agent with ${PER_AGENT}, status=active, sorted by creation, ${REQUESTS} requests`);
    console.log(`admin list API (session + scoped adapter)  p50 ${fmt(pct(apiTimes, 50))} ms   p95 ${fmt(pct(apiTimes, 95))} ms`);
    console.log(`equivalent raw SQL (page + capped count)   p50 ${fmt(pct(sqlTimes, 50))} ms   p95 ${fmt(pct(sqlTimes, 95))} ms`);
    console.log(`p95 ${fmt(pct(apiTimes, 95))} ms (target ≤ 150); ${fmt(pct(apiTimes, 95) / pct(sqlTimes, 95), 2)}× raw SQL p95 (target ≤ 3.0); total shown: ${probe.meta?.total}`);
  } finally {
    server.close();
    await closeBenchDatabase();
  }
}

await main();
