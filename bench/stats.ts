/**
 * Stats (issue 13), two measurements in one run on a fresh database:
 * 1. Rolling up one China business day holding BENCH_VERIFICATIONS verification-log rows (default
 *    10 million) plus card keys, quota ledger, login and operation rows: `rollupDay()` (lock, delete,
 *    five INSERT … SELECT … GROUP BY, then the per-tree rows, running totals and kept rankings, in
 *    one transaction) vs the baseline — the same five INSERT …
 *    SELECT … GROUP BY statements run directly into empty scratch tables of the same shape.
 *    Targets: ≤ 30 s and ≤ 1.5× the baseline.
 * 2. The dashboard of an agent admin with BENCH_AGENTS agents (default 1,000) over a year of
 *    rollups: `dashboardData()` (everything GET /admin/api/dashboard computes) for range=day (the
 *    default) and range=year, vs the baseline of one raw GROUP BY over the same rollup rows.
 *    Target: p95 ≤ 50 ms. Also shown: the super admin, one agent, a project filter, and the agent
 *    admin right after their tree changed (the tree corrected by the new agent's per-user rows until
 *    the next rollup).
 *   npx tsx bench/stats.ts      (BENCH_VERIFICATIONS=10000000 BENCH_AGENTS=1000 BENCH_REQUESTS=100
 *                                BENCH_PART=all|rollup|dashboard: only one of the two measurements)
 */
import './env.js';
import os from 'node:os';
import { QueryTypes } from 'sequelize';
import { db } from '../server/db/index.js';
import type { Actor } from '../server/policies/actor.js';
import { dashboardData } from '../server/services/stats/dashboard.js';
import { addDays, chinaDay, dayStart } from '../server/services/stats/days.js';
import { rebuildDerivedRollups, ROLLUPS, rollupDay } from '../server/services/stats/rollup.js';
import { createAdminUser } from '../server/services/identity/createAdminUser.js';
import { closeBenchDatabase, fmt, makeBenchWorld, openBenchDatabase } from './setup.js';

const VERIFICATIONS = Number(process.env.BENCH_VERIFICATIONS ?? 10_000_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 1000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const DAY = '2026-06-15';
/** BENCH_PART=dashboard (or rollup) runs only that part; both by default. */
const PART = process.env.BENCH_PART ?? 'all';
if (!['all', 'rollup', 'dashboard'].includes(PART)) throw new Error(`BENCH_PART is all, rollup or dashboard, not ${PART}`);

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const run = (sql: string, replacements: Record<string, unknown> = {}) => db().query(sql, { replacements });
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  await openBenchDatabase();
  const world = await makeBenchWorld();
  const admin = await createAdminUser({ username: 'bench_admin', password: 'abcd1234', role: 'agent_admin' });
  const adminActor: Actor = { id: admin.id, role: 'agent_admin', parentId: null };
  await run(
    `INSERT INTO admin_users (username, password_hash, role, parent_id)
     SELECT 'bench_a' || g, 'x', 'agent', :admin FROM generate_series(1, :n) g`,
    { admin: admin.id, n: AGENTS },
  );
  const agents = (await db().query<{ id: number }>(`SELECT id FROM admin_users WHERE parent_id = :admin ORDER BY id`, { replacements: { admin: admin.id }, type: QueryTypes.SELECT })).map((a) => a.id);
  const project = world.projectId;
  const from = dayStart(DAY);
  const rep = { project, first: agents[0]!, n: agents.length, from, seconds: 86_400 };

  if (PART !== 'dashboard') await rollupPart(project, agents, admin.id, rep);
  if (PART !== 'rollup') await dashboardPart(project, agents, adminActor, world.root, rep);
  await closeBenchDatabase();
}

type Rep = { project: number; first: number; n: number; from: Date; seconds: number };

async function rollupPart(project: number, agents: number[], adminId: number, rep: Rep): Promise<void> {
  const from = rep.from;
  // 1. One heavy day of raw rows.
  log(`writing ${VERIFICATIONS.toLocaleString()} verification rows for ${DAY} over ${agents.length} agents…`);
  await run(`ALTER TABLE card_key_verifications SET UNLOGGED`);
  await run(
    `INSERT INTO card_key_verifications (project_id, agent_id, code, result, created_at)
     SELECT :project, :first + (g % :n), 'BENCH', CASE WHEN g % 10 = 0 THEN 'DEVICE_MISMATCH' ELSE 'OK' END,
            :from::timestamptz + make_interval(secs => (g::float8 / :total) * :seconds)
       FROM generate_series(0, :total - 1) g`,
    { ...rep, total: VERIFICATIONS },
  );
  await run(`ALTER TABLE card_key_verifications SET LOGGED`);
  await run(
    `INSERT INTO card_key_batches (project_id, agent_id, created_by, validity_label, duration_days, unit_price, count, total_cost, status, progress)
     SELECT :project, id, id, '30天', 30, 1, 100, 100, 'completed', 100 FROM admin_users WHERE parent_id = :admin`,
    { ...rep, admin: adminId },
  );
  await run(
    `INSERT INTO card_keys (code, batch_id, project_id, agent_id, status, duration_days, device_id, activated_at, expires_at, created_at, updated_at)
     SELECT upper(substr(md5(g::text), 1, 4) || '-' || substr(md5(g::text), 5, 4) || '-' || substr(md5(g::text), 9, 4) || '-' || substr(md5(g::text), 13, 4)),
            b.id, :project, b.agent_id, CASE WHEN g % 2 = 0 THEN 'active' ELSE 'unused' END, 30,
            CASE WHEN g % 2 = 0 THEN 'dev' END, CASE WHEN g % 2 = 0 THEN :from::timestamptz + interval '12 hours' END,
            CASE WHEN g % 2 = 0 THEN :from::timestamptz + interval '30 days' END,
            :from::timestamptz + make_interval(secs => g % 86400), now()
       FROM generate_series(0, 199999) g JOIN card_key_batches b ON b.agent_id = :first + (g % :n)`,
    rep,
  );
  await run(
    `INSERT INTO quota_ledger (user_id, type, balance_delta, balance_after, frozen_after, created_at)
     SELECT :first + (g % :n), CASE WHEN g % 3 = 0 THEN 'recharge_in' ELSE 'card_key_generation' END,
            CASE WHEN g % 3 = 0 THEN 10 ELSE -1 END, 1000, 0, :from::timestamptz + make_interval(secs => g % 86400)
       FROM generate_series(0, 199999) g`,
    rep,
  );
  await run(
    `INSERT INTO login_logs (username, user_id, success, reason, created_at)
     SELECT 'x', :first + (g % :n), true, 'success', :from::timestamptz + make_interval(secs => g % 86400) FROM generate_series(0, 49999) g`,
    rep,
  );
  await run(
    `INSERT INTO operation_logs (actor_id, action, resource, created_at)
     SELECT :first + (g % :n), 'edit', 'bench', :from::timestamptz + make_interval(secs => g % 86400) FROM generate_series(0, 199999) g`,
    rep,
  );
  await run(`VACUUM ANALYZE`);
  log('raw rows written');

  const scratch = ROLLUPS.map(([table]) => `bench_${table}`);
  for (const [i, [table]] of ROLLUPS.entries()) await run(`CREATE TABLE ${scratch[i]} (LIKE ${table} INCLUDING ALL)`);
  const dayRep = { day: DAY, from, to: dayStart(addDays(DAY, 1)) };
  const baseline = () =>
    timed(async () => {
      for (const [i, [table, sql]] of ROLLUPS.entries()) {
        await run(`TRUNCATE ${scratch[i]}`);
        await db().query(sql.replace(`INSERT INTO ${table}`, `INSERT INTO ${scratch[i]}`), { replacements: dayRep });
      }
    });
  const rollup = () => timed(() => rollupDay(DAY));
  await baseline(); // warm the cache for both
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < 3; i++) runs.push([await baseline(), await rollup()]);
  const base = Math.min(...runs.map((r) => r[0]));
  const ours = Math.min(...runs.map((r) => r[1]));
  const [check] = await db().query<{ v: string }>(`SELECT sum(verified) AS v FROM daily_card_key_stats WHERE day = :day`, { replacements: { day: DAY }, type: QueryTypes.SELECT });
  if (Number(check!.v) !== VERIFICATIONS - Math.ceil(VERIFICATIONS / 10)) throw new Error(`rollup counted ${check!.v} verifications`);
  console.log(`\nRollup of one day (${VERIFICATIONS.toLocaleString()} verification rows + 200k keys, 200k ledger, 250k activity rows), best of 3:`);
  console.log(`  rollupDay            ${fmt(ours / 1000, 2)} s   (target ≤ 30 s)`);
  console.log(`  bare INSERT…SELECT   ${fmt(base / 1000, 2)} s`);
  console.log(`  ratio                ${fmt(ours / base, 2)}×   (target ≤ 1.5×)`);
}

async function dashboardPart(project: number, agents: number[], adminActor: Actor, root: Actor, rep: Rep): Promise<void> {
  const admin = adminActor;

  // 2. A year of rollups for the agent admin's agents.
  const today = chinaDay();
  const yearAgo = addDays(today, -364);
  log(`writing a year of rollups for ${agents.length} agents…`);
  await run(
    `INSERT INTO daily_card_key_stats (day, project_id, agent_id, generated, activated, verified, expired, disabled)
     SELECT d::date, :project, a, (a + extract(doy FROM d)::int) % 50, (a + extract(doy FROM d)::int) % 20, (a * 7 + extract(doy FROM d)::int) % 300, a % 3, a % 2
       FROM generate_series(:yearAgo::date, :today::date, interval '1 day') d, generate_series(:first, :first + :n - 1) a
     ON CONFLICT DO NOTHING`,
    { ...rep, yearAgo, today },
  );
  await run(
    `INSERT INTO daily_quota_stats (day, user_id, type, amount, moves)
     SELECT d::date, a, t, CASE WHEN t = 'recharge_in' THEN 100 ELSE -40 END, 3
       FROM generate_series(:yearAgo::date, :today::date, interval '1 day') d, generate_series(:first, :first + :n - 1) a,
            unnest(ARRAY['recharge_in', 'card_key_generation']) t
     ON CONFLICT DO NOTHING`,
    { ...rep, yearAgo, today },
  );
  await run(
    `INSERT INTO daily_activity_stats (day, hour, user_id, logins, operations)
     SELECT d::date, h, a, 1, (a + h) % 9
       FROM generate_series(:yearAgo::date, :today::date, interval '1 day') d, generate_series(:first, :first + :n - 1) a,
            unnest(ARRAY[9, 14, 20]) h
     ON CONFLICT DO NOTHING`,
    { ...rep, yearAgo, today },
  );
  // Written directly above, so the per-tree rollups are summed from them here (rollupDay does it per day).
  await rebuildDerivedRollups();
  await run(`VACUUM ANALYZE`);
  log('rollups written');

  const sample = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < 5; i++) await fn();
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) times.push(await timed(fn));
    return { p50: pct(times, 50), p95: pct(times, 95) };
  };
  const raw = await sample(() =>
    db().query(
      `SELECT day, sum(generated), sum(activated) FROM daily_card_key_stats
        WHERE day BETWEEN :from AND :to AND agent_id IN (SELECT id FROM admin_users WHERE id = :admin OR parent_id = :admin) GROUP BY 1`,
      { replacements: { from: addDays(today, -29), to: today, admin: admin.id }, type: QueryTypes.SELECT },
    ),
  );
  const byDay = await sample(() => dashboardData(adminActor, { range: 'day' }));
  const byYear = await sample(() => dashboardData(adminActor, { range: 'year' }));
  const superDay = await sample(() => dashboardData(root, { range: 'day' }));
  const agentActor: Actor = { id: agents[0]!, role: 'agent', parentId: admin.id };
  const agentDay = await sample(() => dashboardData(agentActor, { range: 'day' }));
  const byProject = await sample(() => dashboardData(adminActor, { range: 'day', projectId: project }));
  // A new agent in the tree: until the next rollup sums the tree again, the page adds that agent's per-user rows to the tree's.
  await run(`INSERT INTO admin_users (username, password_hash, role, parent_id) VALUES ('bench_new_agent', 'x', 'agent', :admin)`, { admin: admin.id });
  const changed = await sample(() => dashboardData(adminActor, { range: 'day' }));
  const [load1] = os.loadavg();
  console.log(`\nAgent admin dashboard over a year of rollups for ${agents.length} agents (${REQUESTS} calls each):`);
  console.log(`  dashboardData range=day (default, 30 days)   p50 ${fmt(byDay.p50)} ms  p95 ${fmt(byDay.p95)} ms   (target p95 ≤ 50 ms)`);
  console.log(`  dashboardData range=year (5 years of bars)   p50 ${fmt(byYear.p50)} ms  p95 ${fmt(byYear.p95)} ms`);
  console.log(`  baseline: one raw GROUP BY (30 days, tree)   p50 ${fmt(raw.p50)} ms  p95 ${fmt(raw.p95)} ms`);
  console.log(`  ratio p95 day / baseline ${fmt(byDay.p95 / raw.p95, 2)}×, year / baseline ${fmt(byYear.p95 / raw.p95, 2)}×`);
  console.log(`  super admin, range=day                       p50 ${fmt(superDay.p50)} ms  p95 ${fmt(superDay.p95)} ms`);
  console.log(`  one agent, range=day                         p50 ${fmt(agentDay.p50)} ms  p95 ${fmt(agentDay.p95)} ms`);
  console.log(`  agent admin, range=day, one project filter   p50 ${fmt(byProject.p50)} ms  p95 ${fmt(byProject.p95)} ms   (ranking from per-project rows)`);
  console.log(`  agent admin, tree changed since the rollup   p50 ${fmt(changed.p50)} ms  p95 ${fmt(changed.p95)} ms   (tree + the new agent's rows, live ranking, until the next rollup)`);
  console.log(`  load average (1 min) at the end: ${fmt(load1!, 2)} on ${os.cpus().length} cores`);
}

main().catch(async (err) => {
  console.error(err);
  await closeBenchDatabase().catch(() => undefined);
  process.exit(1);
});
