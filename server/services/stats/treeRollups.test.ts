import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import type { Actor } from '../../policies/actor.js';
import { makeStatsWorld, type StatsWorld } from '../../../test/support/statsWorld.js';
import { dashboardData, treeScope } from './dashboard.js';
import { daysBetween } from './days.js';
import { rollupDay, rollupRange } from './rollup.js';
import { statsWindow } from './scope.js';

// Days of this suite's own (points and orders are global; the other stats worlds use March and early April).
const DAYS = ['2026-05-04', '2026-05-05', '2026-05-06', '2026-05-07', '2026-05-08'];
const FROM = '2026-05-03';
const TO = '2026-05-12';

async function rows<T extends object>(sql: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  return db().query<T>(sql, { replacements, type: QueryTypes.SELECT });
}

/** The tree of each of the world's users as the product defines it. */
function treeOf(w: StatsWorld, userId: number): number {
  const agent = w.agents.find((a) => a.id === userId);
  return agent?.parentId ?? userId;
}

/** Every derived row of the world's users, in a stable order. */
async function derived(w: StatsWorld): Promise<unknown[]> {
  const users = [...w.visible(w.root)];
  const trees = [...new Set(users.map((u) => treeOf(w, u)))];
  const r = { users, trees, from: FROM, to: TO };
  return [
    await rows(`SELECT tree_id, day::text, project_id, generated::int, activated::int, verified::int, expired::int, disabled::int FROM daily_tree_card_key_stats WHERE tree_id IN (:trees) ORDER BY 1, 2, 3`, r),
    await rows(`SELECT tree_id, day::text, type, amount, moves FROM daily_tree_quota_stats WHERE tree_id IN (:trees) ORDER BY 1, 2, 3`, r),
    await rows(`SELECT tree_id, day::text, hour, logins, operations FROM daily_tree_activity_stats WHERE tree_id IN (:trees) ORDER BY 1, 2, 3`, r),
    await rows(`SELECT agent_id, day::text, generated::int, activated::int, total_generated::int, total_activated::int FROM daily_agent_key_totals WHERE agent_id IN (:users) ORDER BY 1, 2`, r),
  ];
}

/** Keys generated and activated per agent and China day, straight from the raw card_keys rows. */
async function rawKeyDays(agentIds: number[]): Promise<Map<string, [number, number]>> {
  const raw = await rows<{ agent_id: number; day: string; g: string; a: string }>(
    `SELECT agent_id, day, sum(g) AS g, sum(a) AS a FROM (
       SELECT agent_id, (created_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day, 1 AS g, 0 AS a FROM card_keys WHERE agent_id IN (:ids)
       UNION ALL
       SELECT agent_id, (activated_at AT TIME ZONE 'Asia/Shanghai')::date::text, 0, 1 FROM card_keys WHERE agent_id IN (:ids) AND activated_at IS NOT NULL) k
      GROUP BY 1, 2`,
    { ids: agentIds },
  );
  return new Map(raw.map((x) => [`${x.agent_id}|${x.day}`, [Number(x.g), Number(x.a)]]));
}

describe('stats per-tree rollups and running totals (what the dashboards read)', () => {
  let w: StatsWorld;

  before(async () => {
    w = await makeStatsWorld('tree', 7, DAYS);
    await rollupRange({ from: FROM, to: TO });
  });

  it('sums every tree exactly as its members’ per-user rows, and saves the membership it used', async () => {
    const users = [...w.visible(w.root)];
    const members = await rows<{ user_id: number; tree_id: number }>(`SELECT user_id, tree_id FROM stats_tree_members WHERE user_id IN (:users) ORDER BY 1`, { users });
    assert.deepEqual(
      members.map((m) => [m.user_id, m.tree_id]),
      users.sort((a, b) => a - b).map((u) => [u, treeOf(w, u)]),
    );
    // Tree A = admin A + a1 + a2; tree B likewise; the super admin alone.
    const sums = async (table: string, key: string, cols: string[], where: string, ids: number[]) =>
      rows<Record<string, string>>(`SELECT day::text AS day, ${key} AS k, ${cols.map((c) => `sum(${c})::text AS ${c}`).join(', ')} FROM ${table} WHERE ${where} IN (:ids) AND day BETWEEN :from AND :to GROUP BY 1, 2 ORDER BY 1, 2`, {
        ids,
        from: FROM,
        to: TO,
      });
    for (const admin of [w.adminA, w.adminB]) {
      const ids = [...w.visible(admin)];
      assert.equal(ids.length, 3);
      const keyCols = ['generated', 'activated', 'verified', 'expired', 'disabled'];
      assert.deepEqual(
        await sums('daily_tree_card_key_stats', 'project_id', keyCols, 'tree_id', [admin.id]),
        await sums('daily_card_key_stats', 'project_id', keyCols, 'agent_id', ids),
      );
      assert.deepEqual(await sums('daily_tree_quota_stats', 'type', ['amount', 'moves'], 'tree_id', [admin.id]), await sums('daily_quota_stats', 'type', ['amount', 'moves'], 'user_id', ids));
      assert.deepEqual(await sums('daily_tree_activity_stats', 'hour', ['logins', 'operations'], 'tree_id', [admin.id]), await sums('daily_activity_stats', 'hour', ['logins', 'operations'], 'user_id', ids));
      // Quota in and out keep the members' signs apart (one member's recharge never nets another's refund).
      assert.deepEqual(
        await rows(`SELECT day::text AS day, type, amount_in::text AS i, amount_out::text AS o FROM daily_tree_quota_stats WHERE tree_id = :t ORDER BY 1, 2`, { t: admin.id }),
        await rows(
          `SELECT day::text AS day, type, coalesce(sum(amount) FILTER (WHERE amount > 0), 0)::numeric(18,2)::text AS i, coalesce(sum(amount) FILTER (WHERE amount < 0), 0)::numeric(18,2)::text AS o
             FROM daily_quota_stats WHERE user_id IN (:ids) GROUP BY 1, 2 ORDER BY 1, 2`,
          { ids },
        ),
      );
      const [n] = await rows<{ n: string }>(`SELECT count(*) AS n FROM daily_tree_card_key_stats WHERE tree_id = :t`, { t: admin.id });
      assert.ok(Number(n!.n) > 0);
    }
  });

  it('keeps per agent and day the keys generated and activated and the exact running totals', async () => {
    const ids = w.agents.map((a) => a.id);
    const raw = await rawKeyDays(ids);
    const stored = await rows<{ agent_id: number; day: string; generated: string; activated: string; total_generated: string; total_activated: string }>(
      `SELECT agent_id, day::text AS day, generated, activated, total_generated, total_activated FROM daily_agent_key_totals WHERE agent_id IN (:ids) ORDER BY 1, 2`,
      { ids },
    );
    assert.ok(stored.length >= ids.length * DAYS.length);
    for (const id of ids) {
      let tg = 0;
      let ta = 0;
      for (const day of daysBetween(FROM, TO)) {
        const [g, a] = raw.get(`${id}|${day}`) ?? [0, 0];
        tg += g;
        ta += a;
        const row = stored.find((s) => s.agent_id === id && s.day === day);
        if (!row) {
          assert.deepEqual([g, a], [0, 0], `${id} ${day}: no row, no keys`);
          continue;
        }
        assert.deepEqual([row.generated, row.activated, row.total_generated, row.total_activated].map(Number), [g, a, tg, ta], `${id} ${day}`);
      }
    }
  });

  it('is idempotent: rolling the days up again, in any order, leaves the same rows', async () => {
    const before = await derived(w);
    await rollupRange({ from: FROM, to: TO });
    for (const day of [...DAYS].reverse()) await rollupDay(day);
    assert.deepEqual(await derived(w), before);
  });

  it('a backfilled past day moves the running totals of every later day of that agent, and only theirs', async () => {
    const a1 = w.agents[0]!;
    const day = DAYS[1]!;
    const before = await rows<{ agent_id: number; day: string; tg: string; ta: string }>(
      `SELECT agent_id, day::text AS day, total_generated AS tg, total_activated AS ta FROM daily_agent_key_totals WHERE agent_id IN (:ids) ORDER BY 1, 2`,
      { ids: w.agents.map((a) => a.id) },
    );
    const rankingBefore = (await dashboardData(w.adminA, { from: DAYS[3], to: TO })).ranking;
    // Two keys of a1 that arrive late on a past day, one activated the same day.
    const at = new Date(`${day}T10:00:00+08:00`);
    await db().query(
      `INSERT INTO card_keys (code, batch_id, project_id, agent_id, status, duration_days, activated_at, created_at, updated_at)
       SELECT c, batch_id, project_id, agent_id, 'unused', duration_days, CASE WHEN c = 'LATE-0000-0000-0001' THEN :at::timestamptz END, :at, :at
         FROM (SELECT batch_id, project_id, agent_id, duration_days FROM card_keys WHERE agent_id = :a LIMIT 1) k,
              unnest(ARRAY['LATE-0000-0000-0001', 'LATE-0000-0000-0002']) c`,
      { replacements: { a: a1.id, at } },
    );
    await rollupDay(day);
    const after = await rows<{ agent_id: number; day: string; tg: string; ta: string }>(
      `SELECT agent_id, day::text AS day, total_generated AS tg, total_activated AS ta FROM daily_agent_key_totals WHERE agent_id IN (:ids) ORDER BY 1, 2`,
      { ids: w.agents.map((a) => a.id) },
    );
    assert.equal(after.length, before.length);
    for (const [i, b] of before.entries()) {
      const moved = b.agent_id === a1.id && b.day >= day;
      assert.deepEqual([Number(after[i]!.tg), Number(after[i]!.ta)], [Number(b.tg) + (moved ? 2 : 0), Number(b.ta) + (moved ? 1 : 0)], `${b.agent_id} ${b.day}`);
    }
    // A window after the backfilled day ranks exactly as before; one holding it counts the two keys.
    assert.deepEqual((await dashboardData(w.adminA, { from: DAYS[3], to: TO })).ranking, rankingBefore);
    const ranked = (await dashboardData(w.adminA, { from: day, to: day })).ranking!.find((r) => r.agentId === a1.id)!;
    const [raw] = await rows<{ g: string; a: string }>(
      `SELECT (SELECT count(*) FROM card_keys WHERE agent_id = :a AND (created_at AT TIME ZONE 'Asia/Shanghai')::date = :day) AS g,
              (SELECT count(*) FROM card_keys WHERE agent_id = :a AND (activated_at AT TIME ZONE 'Asia/Shanghai')::date = :day) AS a`,
      { a: a1.id, day },
    );
    assert.deepEqual([ranked.generated, ranked.activated], [Number(raw!.g), Number(raw!.a)]);

    // Taking them away again (and rolling up) gives back exactly the rows of before.
    await db().query(`DELETE FROM card_keys WHERE code LIKE 'LATE-0000-0000-000%'`);
    await rollupDay(day);
    const again = await rows(`SELECT agent_id, day::text AS day, total_generated AS tg, total_activated AS ta FROM daily_agent_key_totals WHERE agent_id IN (:ids) ORDER BY 1, 2`, {
      ids: w.agents.map((a) => a.id),
    });
    assert.deepEqual(again, before);
  });

  it('ranks agents from the running totals exactly as the per-day rows say, for any window', async () => {
    const raw = await rawKeyDays(w.agents.map((a) => a.id));
    for (const [from, to] of [[FROM, TO], [DAYS[1]!, DAYS[3]!], [DAYS[4]!, DAYS[4]!], ['2026-01-01', '2026-12-31']] as const) {
      for (const admin of [w.adminA, w.adminB, w.root] as Actor[]) {
        const d = await dashboardData(admin, { from, to });
        const mine = w.agents.filter((a) => admin.role === 'super_admin' || a.parentId === admin.id);
        for (const a of mine) {
          let g = 0;
          let act = 0;
          for (const day of daysBetween(from, to)) {
            const [x, y] = raw.get(`${a.id}|${day}`) ?? [0, 0];
            g += x;
            act += y;
          }
          const r = d.ranking!.find((x) => x.agentId === a.id);
          if (admin.role === 'super_admin' && !r) continue; // the top 10 of every tree in the database
          assert.deepEqual([r?.generated, r?.activated], [g, act], `${admin.id} ${from}..${to} agent ${a.id}`);
        }
      }
    }
  });

  it('keeps the ranking of each tree for the default windows, equal to the one computed live, and drops it when a day inside changes', async () => {
    const today = '2026-05-12';
    await rollupDay(DAYS[4]!, { today });
    const windows = await rows<{ f: string; t: string }>(`SELECT from_day::text AS f, to_day::text AS t FROM stats_ranking_windows WHERE to_day = :today ORDER BY 1`, { today });
    assert.deepEqual(windows.map((x) => [x.f, x.t]), [['2022-01-01', today], ['2025-06-01', today], ['2026-02-23', today], ['2026-04-13', today]]);
    const [kept] = await rows<{ n: string }>(`SELECT count(*) AS n FROM stats_rankings WHERE tree_id IN (:trees) AND to_day = :today`, { trees: [w.adminA.id, w.adminB.id, 0], today });
    assert.ok(Number(kept!.n) >= 3 * 4, 'rankings kept for trees A, B and all agents');
    const live = async (actor: Actor, range: 'day' | 'week' | 'month' | 'year') => {
      const win = statsWindow({ range }, today);
      const saved = await rows(`SELECT * FROM stats_ranking_windows WHERE from_day = :f AND to_day = :t`, { f: win.from, t: win.to });
      await db().query(`DELETE FROM stats_ranking_windows WHERE from_day = :f AND to_day = :t`, { replacements: { f: win.from, t: win.to } });
      try {
        return (await dashboardData(actor, { range }, today)).ranking;
      } finally {
        if (saved.length) await rollupDay(DAYS[4]!, { today });
      }
    };
    for (const actor of [w.adminA, w.adminB, w.root] as Actor[]) {
      for (const range of ['day', 'week', 'month', 'year'] as const) {
        const stored = (await dashboardData(actor, { range }, today)).ranking!;
        if (actor.role !== 'super_admin') assert.ok(stored.length === 2, `${actor.id} ${range}: both agents of the tree ranked`);
        assert.deepEqual(stored, await live(actor, range), `${actor.id} ${range}`);
      }
    }

    // A late key of b2 on a day inside the windows: rolling that day up keeps the ranking right.
    const b2 = w.agents[3]!;
    const at = new Date(`${DAYS[2]}T09:00:00+08:00`);
    await db().query(
      `INSERT INTO card_keys (code, batch_id, project_id, agent_id, status, duration_days, created_at, updated_at)
       SELECT 'LATE-0000-0000-0003', batch_id, project_id, agent_id, 'unused', duration_days, :at, :at FROM card_keys WHERE agent_id = :a LIMIT 1`,
      { replacements: { a: b2.id, at } },
    );
    try {
      const before = (await dashboardData(w.adminB, { range: 'day' }, today)).ranking!.find((r) => r.agentId === b2.id)!;
      await rollupDay(DAYS[2]!, { rankings: false });
      const [left] = await rows<{ n: string }>(`SELECT count(*) AS n FROM stats_ranking_windows WHERE to_day = :today`, { today });
      assert.equal(Number(left!.n), 0, 'every window holding the day was dropped');
      const during = (await dashboardData(w.adminB, { range: 'day' }, today)).ranking!.find((r) => r.agentId === b2.id)!;
      await rollupDay(DAYS[2]!, { today });
      const after = (await dashboardData(w.adminB, { range: 'day' }, today)).ranking!.find((r) => r.agentId === b2.id)!;
      assert.equal(during.generated, before.generated + 1);
      assert.deepEqual(after, during);
    } finally {
      await db().query(`DELETE FROM card_keys WHERE code = 'LATE-0000-0000-0003'`);
      await rollupDay(DAYS[2]!, { today });
    }
  });

  it('a tree whose members changed since the rollup is corrected by the per-user rows of who joined or left, until the next rollup sums it again', async () => {
    const b1 = w.agents[2]!;
    const window = statsWindow({ from: FROM, to: TO });
    const exactly = (id: number | 'all') => ({ trees: id === 'all' ? 'TRUE' : `tree_id = ${id}`, plus: [], minus: [], exact: true });
    assert.deepEqual(await treeScope(w.adminA, window), exactly(w.adminA.id));
    assert.deepEqual(await treeScope(w.root, window), exactly('all'));
    assert.equal(await treeScope(b1, window), null, 'an agent reads their own rows');
    assert.equal(await treeScope(w.adminA, statsWindow({ from: FROM, to: TO, agentId: b1.id })), null, 'a filter on one agent reads their rows');

    const totals = async (actor: Actor) => {
      const d = await dashboardData(actor, { from: FROM, to: TO });
      const f = (k: string) => d.figures.find((x) => x.key === k)!.value;
      return {
        generated: f('keysGenerated'),
        quotaIn: f('quotaIn'),
        quotaOut: f('quotaOut'),
        balance: d.balance,
        keys: d.keys,
        byProject: d.keysByProject,
        heat: d.heatmap,
        ranking: d.ranking,
      };
    };
    const a = await totals(w.adminA);
    const b = await totals(w.adminB);
    const all = await totals(w.root);

    try {
      await db().query(`UPDATE admin_users SET parent_id = :a WHERE id = :b1`, { replacements: { a: w.adminA.id, b1: b1.id } });
      assert.deepEqual(await treeScope(w.adminA, window), { trees: `tree_id = ${w.adminA.id}`, plus: [b1.id], minus: [], exact: false });
      assert.deepEqual(await treeScope(w.adminB, window), { trees: `tree_id = ${w.adminB.id}`, plus: [], minus: [b1.id], exact: false });
      assert.deepEqual(await treeScope(w.root, window), { ...exactly('all'), exact: false }, 'every tree summed: nothing to correct, but the kept rankings wait');
      const movedA = await totals(w.adminA);
      const movedB = await totals(w.adminB);
      assert.equal(Number(movedA.generated) + Number(movedB.generated), Number(a.generated) + Number(b.generated));
      assert.ok(Number(movedA.generated) > Number(a.generated));
      assert.ok(movedA.ranking!.some((r) => r.agentId === b1.id) && !movedB.ranking!.some((r) => r.agentId === b1.id));
      assert.deepEqual(await totals(w.root), all);

      // The next rollup (any day) sums trees A and B again over every day: the same figures, now exact.
      const r = await rollupDay(DAYS[0]!);
      assert.ok(r.tree.rebuilt >= 2);
      assert.deepEqual(await treeScope(w.adminA, window), exactly(w.adminA.id));
      assert.deepEqual(await totals(w.adminA), movedA);
      assert.deepEqual(await totals(w.adminB), movedB);
    } finally {
      await db().query(`UPDATE admin_users SET parent_id = :b WHERE id = :b1`, { replacements: { b: w.adminB.id, b1: b1.id } });
      await rollupDay(DAYS[0]!);
    }
    assert.deepEqual(await totals(w.adminA), a);
    assert.deepEqual(await totals(w.adminB), b);

    // A member deleted since the rollup took their rows with them: the tree cannot be corrected, the per-user rows are read.
    const [temp] = await rows<{ id: number }>(`INSERT INTO admin_users (username, password_hash, role, parent_id) VALUES ('tree_temp', 'x', 'agent', :a) RETURNING id`, { a: w.adminA.id });
    await rollupDay(DAYS[0]!);
    assert.deepEqual(await treeScope(w.adminA, window), exactly(w.adminA.id));
    await db().query(`DELETE FROM admin_users WHERE id = :id`, { replacements: { id: temp!.id } });
    assert.equal(await treeScope(w.adminA, window), null);
    assert.equal(await treeScope(w.root, window), null);
    assert.deepEqual(await totals(w.adminA), a);
    await rollupDay(DAYS[0]!);
    assert.deepEqual(await treeScope(w.adminA, window), exactly(w.adminA.id));
  });
});
