import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { runCli } from '../../../test/ops/child.js';
import { cnDay, cnHour, expectedCardKeys, makeStatsWorld, type StatsWorld } from '../../../test/support/statsWorld.js';
import { JOBS } from '../../../worker/index.js';
import { findJob } from '../../queues/defineJob.js';
import { rangeDays, rollupDay, rollupRange, scheduledDays, statsRollupJob } from './rollup.js';

// Points and orders of the mini-program are global (no owner to scope by), so this suite's world
// lives on days of its own: the other stats worlds (logs export, dashboard, stats export) write
// 2026-03-01..05, and their points and orders would land in these sums.
const DAYS = ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04', '2026-04-05'];
const FROM = '2026-03-31';
const TO = '2026-04-09';

async function rows<T extends object>(sql: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  return db().query<T>(sql, { replacements, type: QueryTypes.SELECT });
}

/** Every rollup row of the test's days, without ids, in a stable order. */
async function snapshot(): Promise<unknown[]> {
  const r = { from: FROM, to: TO };
  return [
    await rows(`SELECT day::text, project_id, agent_id, generated, activated, verified, expired, disabled FROM daily_card_key_stats WHERE day BETWEEN :from AND :to ORDER BY 1, 2, 3`, r),
    await rows(`SELECT day::text, user_id, type, amount, moves FROM daily_quota_stats WHERE day BETWEEN :from AND :to ORDER BY 1, 2, 3`, r),
    await rows(`SELECT day::text, hour, user_id, logins, operations FROM daily_activity_stats WHERE day BETWEEN :from AND :to ORDER BY 1, 2, 3`, r),
    await rows(`SELECT day::text, operation_type, points, records, users FROM daily_points_stats WHERE day BETWEEN :from AND :to ORDER BY 1, 2`, r),
    await rows(`SELECT day::text, paid_orders, revenue, refunded_orders, refunded_amount, active_users, new_users FROM daily_order_stats WHERE day BETWEEN :from AND :to ORDER BY 1`, r),
  ];
}

function tally<K>(items: Iterable<K>, keyOf: (k: K) => string, add: (acc: number[], k: K) => void, width: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const it of items) {
    const key = keyOf(it);
    if (!out.has(key)) out.set(key, Array(width).fill(0));
    add(out.get(key)!, it);
  }
  return out;
}

describe('stats rollups (stats.rollup)', () => {
  let w: StatsWorld;

  before(async () => {
    w = await makeStatsWorld('roll', 13, DAYS);
    await rollupRange({ from: FROM, to: TO });
  });

  it('counts card keys per day × project × agent exactly as the raw rows say, by the China day', async () => {
    const agents = new Set(w.agents.map((a) => a.id));
    const expected = expectedCardKeys(w, agents);
    const stored = await rows<Record<string, string | number>>(
      `SELECT day::text AS day, project_id, agent_id, generated, activated, verified, expired, disabled
         FROM daily_card_key_stats WHERE agent_id IN (:agents) AND day BETWEEN :from AND :to`,
      { agents: [...agents], from: FROM, to: TO },
    );
    const got = new Map(stored.map((s) => [`${s.day}|${s.project_id}|${s.agent_id}`, { generated: s.generated, activated: s.activated, verified: s.verified, expired: s.expired, disabled: s.disabled }]));
    assert.deepEqual(Object.fromEntries([...got].sort()), Object.fromEntries([...expected].sort()));
    const total = (k: 'generated' | 'verified') => [...got.values()].reduce((s, v) => s + Number(v[k]), 0);
    assert.equal(total('generated'), w.keys.length);
    assert.equal(total('verified'), w.verifications.filter((v) => v.result === 'OK').length);
  });

  it('puts a row written at 00:00 +08 on that day and one at 23:59:59.999 +08 on the day before it ends', async () => {
    const atMidnight = w.keys.filter((k) => k.createdAt.getTime() === Date.parse(`${cnDay(k.createdAt)}T00:00:00+08:00`));
    const atLastMs = w.keys.filter((k) => k.createdAt.getTime() === Date.parse(`${cnDay(k.createdAt)}T00:00:00+08:00`) + 86_400_000 - 1);
    assert.ok(atMidnight.length > 0 && atLastMs.length > 0, 'the world has keys on both boundaries');
    // 2026-03-02 00:00 +08 is 2026-03-01 16:00 UTC: counting by the UTC date would put it on the 1st.
    const k = atMidnight[0]!;
    const day = cnDay(k.createdAt);
    assert.notEqual(k.createdAt.toISOString().slice(0, 10), day);
    const [direct] = await rows<{ n: string }>(
      `SELECT count(*) AS n FROM card_keys WHERE agent_id = :agent AND project_id = :project AND (created_at AT TIME ZONE 'Asia/Shanghai')::date = :day`,
      { agent: k.agentId, project: k.projectId, day },
    );
    const [rolled] = await rows<{ generated: number }>(`SELECT generated FROM daily_card_key_stats WHERE agent_id = :agent AND project_id = :project AND day = :day`, {
      agent: k.agentId,
      project: k.projectId,
      day,
    });
    assert.equal(rolled!.generated, Number(direct!.n));
  });

  it('sums quota movements per day × user × type, and activity per day × hour × user', async () => {
    const users = w.visible(w.root);
    const quota = await rows<{ day: string; user_id: number; type: string; amount: string; moves: number }>(
      `SELECT day::text AS day, user_id, type, amount, moves FROM daily_quota_stats WHERE user_id IN (:users) AND day BETWEEN :from AND :to`,
      { users: [...users], from: FROM, to: TO },
    );
    const expectedQuota = tally(w.ledger, (l) => `${cnDay(l.createdAt)}|${l.userId}|${l.type}`, (acc, l) => ((acc[0]! += Math.round(l.delta * 100)), (acc[1]! += 1)), 2);
    assert.deepEqual(
      Object.fromEntries(quota.map((q) => [`${q.day}|${q.user_id}|${q.type}`, [Math.round(Number(q.amount) * 100), q.moves]]).sort()),
      Object.fromEntries([...expectedQuota].sort()),
    );

    const activity = await rows<{ day: string; hour: number; user_id: number; logins: number; operations: number }>(
      `SELECT day::text AS day, hour, user_id, logins, operations FROM daily_activity_stats WHERE user_id IN (:users) AND day BETWEEN :from AND :to`,
      { users: [...users], from: FROM, to: TO },
    );
    const expectedActivity = new Map<string, number[]>();
    const bump = (t: Date, userId: number, i: number) => {
      const key = `${cnDay(t)}|${cnHour(t)}|${userId}`;
      if (!expectedActivity.has(key)) expectedActivity.set(key, [0, 0]);
      expectedActivity.get(key)![i]! += 1;
    };
    for (const l of w.logins) if (l.success) bump(l.createdAt, l.userId, 0);
    for (const o of w.operations) bump(o.createdAt, o.actorId, 1);
    assert.deepEqual(Object.fromEntries(activity.map((a) => [`${a.day}|${a.hour}|${a.user_id}`, [a.logins, a.operations]]).sort()), Object.fromEntries([...expectedActivity].sort()));
  });

  it('sums points per day × operation type and paid orders, revenue and mini-program users per day', async () => {
    const points = await rows<{ day: string; operation_type: number; points: number; records: number; users: number }>(
      `SELECT day::text AS day, operation_type, points, records, users FROM daily_points_stats WHERE day BETWEEN :from AND :to`,
      { from: FROM, to: TO },
    );
    const expected = new Map<string, { points: number; records: number; users: Set<string> }>();
    for (const p of w.points) {
      const key = `${cnDay(p.createdAt)}|${p.type}`;
      if (!expected.has(key)) expected.set(key, { points: 0, records: 0, users: new Set() });
      const e = expected.get(key)!;
      e.points += p.change;
      e.records += 1;
      e.users.add(p.userId);
    }
    assert.deepEqual(
      Object.fromEntries(points.map((p) => [`${p.day}|${p.operation_type}`, [p.points, p.records, p.users]]).sort()),
      Object.fromEntries([...expected].map(([k, e]) => [k, [e.points, e.records, e.users.size]]).sort()),
    );

    const orders = await rows<{ day: string; paid_orders: number; revenue: string; refunded_orders: number; refunded_amount: string; active_users: number; new_users: number }>(
      `SELECT day::text AS day, paid_orders, revenue, refunded_orders, refunded_amount, active_users, new_users FROM daily_order_stats WHERE day BETWEEN :from AND :to`,
      { from: FROM, to: TO },
    );
    for (const day of DAYS) {
      const o = orders.find((x) => x.day === day)!;
      const paid = w.orders.filter((x) => x.paidAt && cnDay(x.paidAt) === day);
      const refunded = w.orders.filter((x) => x.refundedAt && cnDay(x.refundedAt) === day);
      const active = new Set([...w.points.filter((p) => cnDay(p.createdAt) === day).map((p) => p.userId), ...w.orders.filter((x) => cnDay(x.createdAt) === day).map((x) => x.userId)]);
      assert.deepEqual(
        [o.paid_orders, Number(o.revenue), o.refunded_orders, Number(o.refunded_amount), o.active_users, o.new_users],
        [
          paid.length,
          paid.reduce((s, x) => s + x.amount, 0),
          refunded.length,
          refunded.reduce((s, x) => s + x.amount, 0),
          active.size,
          w.miniUsers.filter((u) => cnDay(u.createdAt) === day).length,
        ],
        day,
      );
    }
  });

  it('is idempotent: running the days again leaves exactly the same rows', async () => {
    const before = await snapshot();
    assert.ok((before[0] as unknown[]).length > 0);
    await rollupRange({ from: FROM, to: TO });
    await statsRollupJob.runNow({ from: FROM, to: TO });
    assert.deepEqual(await snapshot(), before);
  });

  it('picks up a late verification on a past day when that day is rolled up again', async () => {
    const a = w.agents[0]!;
    const p = w.projects[0]!;
    const day = DAYS[1]!;
    const read = async () =>
      (await rows<{ verified: number; disabled: number }>(`SELECT verified, disabled FROM daily_card_key_stats WHERE day = :day AND agent_id = :a AND project_id = :p`, { day, a: a.id, p }))[0] ?? {
        verified: 0,
        disabled: 0,
      };
    const before = await read();
    await db().query(`INSERT INTO card_key_verifications (project_id, agent_id, code, result, created_at) VALUES (:p, :a, 'LATE', 'OK', :at)`, {
      replacements: { p, a: a.id, at: new Date(`${day}T12:00:00+08:00`) },
    });
    assert.deepEqual(await read(), before, 'nothing changes before the backfill');
    const [out] = await rollupRange({ from: day, to: day });
    assert.equal(out!.day, day);
    const after = await read();
    assert.equal(after.verified, before.verified + 1);
    assert.equal(after.disabled, before.disabled);
  });

  it('schedules today (UTC+8), and yesterday too during the first two hours after midnight', () => {
    assert.deepEqual(scheduledDays(new Date('2026-03-01T16:30:00Z')), ['2026-03-01', '2026-03-02']); // 00:30 +08 on the 2nd
    assert.deepEqual(scheduledDays(new Date('2026-03-01T18:00:00Z')), ['2026-03-02']); // 02:00 +08
    assert.deepEqual(scheduledDays(new Date('2026-03-01T15:59:59Z')), ['2026-03-01']); // 23:59:59 +08 on the 1st
    assert.deepEqual(rangeDays({ from: '2026-02-27', to: '2026-03-01' }), ['2026-02-27', '2026-02-28', '2026-03-01']);
    assert.throws(() => rangeDays({ from: '2026-03-02', to: '2026-03-01' }), (e: { reason?: string }) => e.reason === 'INVALID_RANGE');
    assert.throws(() => rangeDays({ from: '2026-02-30' }), (e: { status?: number }) => e.status === 400);
  });

  it('is the job stats.rollup (job:run stats:rollup) on the stats queue, every 10 minutes', async () => {
    assert.equal(findJob(JOBS, 'stats:rollup'), statsRollupJob);
    const day = await rollupDay(DAYS[0]!);
    assert.ok(day.rows.daily_card_key_stats > 0);
    await assert.rejects(statsRollupJob.runNow({ from: 'yesterday' }), (e: { status?: number }) => e.status === 400);
  });

  it('backfills from the CLI with progress per day', async () => {
    const r = await runCli(['stats:rollup', '--from', DAYS[0]!, '--to', DAYS[2]!]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[1\/3\] 2026-04-01: card_key \d+, quota \d+, activity \d+, points \d+, order 1/);
    assert.match(r.stdout, /\[3\/3\] 2026-04-03:/);
    assert.match(r.stdout, /Rolled up 3 day\(s\)/);
    const bad = await runCli(['stats:rollup', '--from', '2026-03-05', '--to', '2026-03-01']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /起始日期 2026-03-05 晚于结束日期 2026-03-01/);
  });
});
