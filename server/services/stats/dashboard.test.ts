import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import type { Actor } from '../../policies/actor.js';
import { makeStatsWorld, type StatsWorld } from '../../../test/support/statsWorld.js';
import { dashboardData, treeScope } from './dashboard.js';
import { addDays } from './days.js';
import { rollupRange } from './rollup.js';
import { statsWindow } from './scope.js';

const FROM = '2026-02-28';
const TO = '2026-03-09';
const sum = (xs: Array<number | string>) => xs.reduce<number>((s, x) => s + Number(x), 0);

/** The same figures counted straight from the raw tables, for the users `ids` (null: everyone). */
async function direct(ids: number[] | null, from = FROM, to = TO) {
  const scope = (col: string) => (ids ? `${col} IN (${ids.join(',')})` : 'TRUE');
  const r = { from: new Date(`${from}T00:00:00+08:00`), to: new Date(`${addDays(to, 1)}T00:00:00+08:00`) };
  const [row] = await db().query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM card_keys WHERE ${scope('agent_id')} AND created_at >= :from AND created_at < :to) AS generated,
            (SELECT count(*) FROM card_keys WHERE ${scope('agent_id')} AND activated_at >= :from AND activated_at < :to) AS activated,
            (SELECT count(*) FROM card_key_verifications WHERE ${scope('agent_id')} AND result = 'OK' AND created_at >= :from AND created_at < :to) AS verified,
            (SELECT count(*) FROM card_keys WHERE ${scope('agent_id')} AND expires_at >= :from AND expires_at < least(:to, now())) AS expired,
            (SELECT count(*) FROM card_keys WHERE ${scope('agent_id')} AND status = 'disabled' AND updated_at >= :from AND updated_at < :to) AS disabled,
            (SELECT coalesce(sum(balance_delta) FILTER (WHERE balance_delta > 0), 0) FROM quota_ledger WHERE ${scope('user_id')} AND created_at >= :from AND created_at < :to) AS quota_in,
            (SELECT coalesce(-sum(balance_delta) FILTER (WHERE balance_delta < 0), 0) FROM quota_ledger WHERE ${scope('user_id')} AND created_at >= :from AND created_at < :to) AS quota_out,
            (SELECT coalesce(sum(balance_delta), 0) FROM quota_ledger WHERE ${scope('user_id')} AND created_at < :to) AS balance,
            (SELECT count(*) FROM login_logs WHERE ${scope('user_id')} AND success AND created_at >= :from AND created_at < :to)
              + (SELECT count(*) FROM operation_logs WHERE ${scope('actor_id')} AND created_at >= :from AND created_at < :to) AS activity,
            (SELECT count(*) FROM meta_order WHERE paid_at >= :from AND paid_at < :to) AS orders,
            (SELECT coalesce(sum(total_amount), 0) FROM meta_order WHERE paid_at >= :from AND paid_at < :to) AS revenue,
            (SELECT coalesce(sum(points_change), 0) FROM purchase_record WHERE operation_type = 1 AND created_at >= :from AND created_at < :to) AS sold`,
    { replacements: r, type: QueryTypes.SELECT },
  );
  return row!;
}

const fig = (d: { figures: Array<{ key: string; value: unknown }> }, key: string) => d.figures.find((f) => f.key === key)?.value;

describe('stats dashboards (fed by the rollups, scoped per role)', () => {
  let w: StatsWorld;

  before(async () => {
    w = await makeStatsWorld('dash', 31);
    await rollupRange({ from: FROM, to: TO });
  });

  it('every role sees exactly the raw totals of its own scope, in figures, series and charts', async () => {
    const cases: Array<[string, Actor, number[] | null]> = [
      ['super admin', w.root, null],
      ['agent admin A', w.adminA, [...w.visible(w.adminA)]],
      ['agent admin B', w.adminB, [...w.visible(w.adminB)]],
      ...w.agents.map((a, i): [string, Actor, number[]] => [`agent ${i}`, a, [a.id]]),
    ];
    for (const [who, actor, ids] of cases) {
      const d = await dashboardData(actor, { range: 'day', from: FROM, to: TO });
      const x = await direct(ids);
      // Admins are read from the per-tree rollups (the rollup saved their trees): those are what is checked here.
      assert.equal(await treeScope(actor, statsWindow({ from: FROM, to: TO })) !== null, actor.role !== 'agent', `${who}: per-tree rollups`);
      assert.equal(d.buckets.length, 10, who);
      assert.equal(fig(d, 'keysGenerated'), Number(x.generated), `${who}: generated`);
      assert.equal(sum(d.keys.generated), Number(x.generated), `${who}: generated series`);
      assert.equal(sum(d.keys.activated), Number(x.activated), `${who}: activated series`);
      assert.equal(sum(d.keys.verified), Number(x.verified), `${who}: verified series`);
      assert.equal(sum(d.keysByProject.map((p) => p.generated)), Number(x.generated), `${who}: by project`);
      const status = Object.fromEntries(d.keysByStatus.map((s) => [s.status, s.count]));
      assert.deepEqual([status.activated, status.expired, status.disabled], [Number(x.activated), Number(x.expired), Number(x.disabled)], who);
      assert.equal(fig(d, 'quotaIn'), Number(x.quota_in).toFixed(2), `${who}: quota in`);
      assert.equal(fig(d, 'quotaOut'), Number(x.quota_out).toFixed(2), `${who}: quota out`);
      assert.equal(d.balance.at(-1), Number(x.balance).toFixed(2), `${who}: balance at the end`);
      if (actor.role === 'agent') {
        assert.equal(d.ranking, undefined);
        assert.equal(d.heatmap, undefined);
      } else {
        assert.equal(sum(d.heatmap!.map((h) => h[2])), Number(x.activity), `${who}: heatmap`);
        assert.ok(d.ranking!.length > 0);
      }
      if (actor.role === 'super_admin') {
        assert.equal(sum(d.points!.orders), Number(x.orders));
        assert.equal(sum(d.points!.revenue).toFixed(2), Number(x.revenue).toFixed(2));
        assert.equal(sum(d.points!.sold), Number(x.sold));
      } else assert.equal(d.points, undefined, `${who}: no points business`);
    }
  });

  it("an agent admin never sees the other tree's numbers (figures, rankings, filters)", async () => {
    const a = await dashboardData(w.adminA, { from: FROM, to: TO });
    const b = await dashboardData(w.adminB, { from: FROM, to: TO });
    const treeA = w.visible(w.adminA);
    const treeB = w.visible(w.adminB);
    assert.ok(a.ranking!.every((r) => treeA.has(r.agentId)));
    assert.ok(b.ranking!.every((r) => treeB.has(r.agentId)));
    assert.notEqual(fig(a, 'keysGenerated'), fig(b, 'keysGenerated'));
    // Filtering on an agent of the other tree shows nothing of theirs.
    const foreign = w.agents.find((g) => g.parentId === w.adminB.id)!;
    const peek = await dashboardData(w.adminA, { from: FROM, to: TO, agentId: foreign.id });
    assert.equal(fig(peek, 'keysGenerated'), 0);
    assert.equal(peek.ranking!.length, 0);
    assert.equal(sum(peek.heatmap!.map((h) => h[2])), 0);
  });

  it('week, month and year bars add up to the same totals; the default is the last 30 days by day', async () => {
    const x = await direct([...w.visible(w.adminA)]);
    for (const range of ['week', 'month', 'year'] as const) {
      const d = await dashboardData(w.adminA, { range, from: FROM, to: TO });
      assert.equal(sum(d.keys.generated), Number(x.generated), range);
    }
    assert.deepEqual(statsWindow({ range: 'week', from: FROM, to: TO }).buckets, ['2026-02-23', '2026-03-02', '2026-03-09']);
    assert.deepEqual(statsWindow({ range: 'month', from: FROM, to: TO }).buckets, ['2026-02-01', '2026-03-01']);
    const def = statsWindow({}, '2026-03-09');
    assert.deepEqual([def.from, def.to, def.buckets.length], ['2026-02-08', '2026-03-09', 30]);
    assert.equal(statsWindow({ range: 'year' }, '2026-03-09').from, '2022-01-01');
    assert.throws(() => statsWindow({ range: 'decade' }), (e: { status?: number }) => e.status === 400);
    assert.throws(() => statsWindow({ from: '2026-03-09', to: '2026-03-01' }), (e: { status?: number }) => e.status === 400);
  });
});
