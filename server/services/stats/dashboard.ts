import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { visibleUserIdsSql, type Actor } from '../../policies/actor.js';
import { ALL_TREES, CURRENT_TREES_SQL } from './rollup.js';
import { statsWindow, userScopeSql, type RangeKind, type StatsWindow } from './scope.js';

/**
 * The landing page of each role: a few current figures (balance, what waits for review) and the
 * chart series of a range, every series read from the daily rollups (never the raw logs), inside
 * the actor's row scope: an agent sees their own rows, an agent admin their own and their agents',
 * a super admin everything.
 */

export interface DashboardFigure {
  key: string;
  value: string | number;
  money?: boolean;
}

export interface CardKeyTotals {
  generated: number;
  activated: number;
  verified: number;
  expired: number;
  disabled: number;
}

export interface DashboardData {
  role: Actor['role'];
  range: RangeKind;
  from: string;
  to: string;
  figures: DashboardFigure[];
  /** One label per bar (its first day). */
  buckets: string[];
  keys: { generated: number[]; activated: number[]; verified: number[] };
  keysByProject: Array<{ projectId: number; project: string; generated: number; activated: number }>;
  /** What became of keys in the range: activated, expired, disabled, generated but not (yet) activated. */
  keysByStatus: Array<{ status: 'activated' | 'expired' | 'disabled' | 'notActivated'; count: number }>;
  quotaByType: Array<{ type: string; in: string; out: string }>;
  /** Available quota (sum of balance movements) at the end of each bar. */
  balance: string[];
  ranking?: Array<{ agentId: number; agent: string; generated: number; activated: number }>;
  /** [weekday (0 = Monday), hour, logins + operations]. */
  heatmap?: Array<[number, number, number]>;
  points?: { orders: number[]; revenue: string[]; sold: number[]; consumed: number[]; activeUsers: number[] };
}

const TRUNC: Record<RangeKind, string> = {
  day: 'day',
  week: "date_trunc('week', day)::date",
  month: "date_trunc('month', day)::date",
  year: "date_trunc('year', day)::date",
};

export async function select<T extends object>(sql: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  return db().query<T>(sql, { replacements, type: QueryTypes.SELECT });
}

const cents = (v: string | number | null | undefined) => Math.round(Number(v ?? 0) * 100);
const money = (c: number) => (c / 100).toFixed(2);

/** The card-key WHERE clause for an actor and window (scope, range, project and agent filters). */
export function cardKeyWhere(actor: Actor, w: StatsWindow): string {
  return [
    'day BETWEEN :from AND :to',
    userScopeSql(actor, 'agent_id'),
    w.projectId ? 'project_id = :projectId' : '',
    w.agentId ? 'agent_id = :agentId' : '',
  ]
    .filter(Boolean)
    .join(' AND ');
}

/** The user-keyed (quota, activity) WHERE clause: scope, range and the agent filter on `user_id`. */
export function userWhere(actor: Actor, w: StatsWindow): string {
  return ['day BETWEEN :from AND :to', userScopeSql(actor, 'user_id'), w.agentId ? 'user_id = :agentId' : ''].filter(Boolean).join(' AND ');
}

export const replacementsOf = (w: StatsWindow) => ({ from: w.from, to: w.to, projectId: w.projectId ?? null, agentId: w.agentId ?? null });

/** Current figures that are not rollups: balances and what waits for review (each a small indexed read). */
async function currentFigures(actor: Actor): Promise<DashboardFigure[]> {
  const id = actor.id;
  if (actor.role === 'super_admin') {
    const [r] = await select<Record<string, string>>(`
      SELECT (SELECT count(*) FROM admin_users WHERE role = 'agent_admin') AS agent_admins,
             (SELECT count(*) FROM admin_users WHERE role = 'agent') AS agents,
             (SELECT coalesce(sum(balance), 0) FROM quota_accounts) AS quota_total,
             (SELECT count(*) FROM quota_transfers WHERE status = 'pending_review') AS transfers_pending,
             (SELECT count(*) FROM withdrawals WHERE status = 'pending') AS withdrawals_pending,
             (SELECT count(*) FROM meta_user) AS mini_users`);
    return [
      { key: 'agentAdmins', value: Number(r!.agent_admins) },
      { key: 'agents', value: Number(r!.agents) },
      { key: 'quotaTotal', value: r!.quota_total!, money: true },
      { key: 'transfersPending', value: Number(r!.transfers_pending) },
      { key: 'withdrawalsPending', value: Number(r!.withdrawals_pending) },
      { key: 'miniUsers', value: Number(r!.mini_users) },
    ];
  }
  const [account] = await select<{ balance: string; frozen: string }>(
    `SELECT coalesce(max(balance), 0) AS balance, coalesce(max(frozen), 0) AS frozen FROM quota_accounts WHERE user_id = :id`,
    { id },
  );
  const mine = [
    { key: 'balance', value: account!.balance, money: true },
    { key: 'frozen', value: account!.frozen, money: true },
  ];
  if (actor.role === 'agent_admin') {
    const [r] = await select<Record<string, string>>(
      `SELECT (SELECT count(*) FROM admin_users WHERE parent_id = :id) AS agents,
              (SELECT coalesce(sum(balance), 0) FROM quota_accounts WHERE user_id IN (SELECT id FROM admin_users WHERE parent_id = :id)) AS agents_quota,
              (SELECT count(*) FROM withdrawals WHERE status = 'pending' AND ${userScopeSql(actor, 'user_id')}) AS withdrawals_pending,
              (SELECT count(*) FROM project_applications WHERE status = 'pending' AND ${userScopeSql(actor, 'agent_id')}) AS applications_pending`,
      { id },
    );
    return [
      ...mine,
      { key: 'myAgents', value: Number(r!.agents) },
      { key: 'agentsQuota', value: r!.agents_quota!, money: true },
      { key: 'withdrawalsPending', value: Number(r!.withdrawals_pending) },
      { key: 'applicationsPending', value: Number(r!.applications_pending) },
    ];
  }
  const [r] = await select<Record<string, string>>(
    `SELECT (SELECT count(*) FROM project_authorizations WHERE agent_id = :id AND status = 'active'
                AND (expires_at IS NULL OR expires_at > now())) AS projects`,
    { id },
  );
  return [...mine, { key: 'authorizedProjects', value: Number(r!.projects) }];
}

/** How the per-tree rollups give an actor's scope: the trees, and the users to add or take away. */
export interface TreeScope {
  /** Predicate on tree_id. */
  trees: string;
  /** Users of the scope the trees were not summed with (their per-user rows are added). */
  plus: number[];
  /** Users the trees were summed with who are no longer in the scope (their per-user rows are taken away). */
  minus: number[];
  /** Membership unchanged since the last rollup (the kept rankings hold). */
  exact: boolean;
}

/** Beyond this many changed users since the last rollup, the per-user rows are read instead. */
const MAX_CORRECTIONS = 100;

/**
 * Whether the per-tree rollups can give the actor's scope (see rollup.ts `syncTreeRollups`): an
 * agent admin's tree, or every tree for a super admin, corrected by the per-user rows of the users
 * who joined or left since the trees were last summed (an agent created or moved; the next rollup
 * sums the trees again). Null when the per-user rows must be read: an agent, a filter on one agent,
 * a user deleted since (their rows are gone, so their share cannot be taken away), or too many changes.
 */
export async function treeScope(actor: Actor, w: StatsWindow): Promise<TreeScope | null> {
  if (w.agentId || actor.role === 'agent') return null;
  const id = Number(actor.id);
  const agentAdmin = actor.role === 'agent_admin';
  const scope = visibleUserIdsSql(actor) ?? '(SELECT id FROM admin_users)';
  const saved = agentAdmin ? `SELECT user_id FROM stats_tree_members WHERE tree_id = ${id}` : `SELECT user_id FROM stats_tree_members`;
  const [r] = await select<{ plus: number[]; minus: number[]; gone: boolean; exact: boolean }>(
    `SELECT ARRAY(${scope} EXCEPT ${saved}) AS plus,
            ARRAY(${saved} EXCEPT ${scope}) AS minus,
            EXISTS (SELECT 1 FROM (${saved}) m WHERE NOT EXISTS (SELECT 1 FROM admin_users u WHERE u.id = m.user_id)) AS gone,
            ${
              agentAdmin
                ? 'TRUE'
                : `NOT EXISTS (SELECT user_id, tree_id, role FROM (${CURRENT_TREES_SQL}) n EXCEPT SELECT user_id, tree_id, role FROM stats_tree_members)
                   AND NOT EXISTS (SELECT user_id, tree_id, role FROM stats_tree_members EXCEPT SELECT user_id, tree_id, role FROM (${CURRENT_TREES_SQL}) n)`
            } AS exact`,
  );
  if (r!.gone || r!.plus.length + r!.minus.length > MAX_CORRECTIONS) return null;
  const plus = r!.plus.map(Number);
  const minus = r!.minus.map(Number);
  return { trees: agentAdmin ? `tree_id = ${id}` : 'TRUE', plus, minus, exact: r!.exact && plus.length + minus.length === 0 };
}

const KEY_COLS = ['project_id', 'generated', 'activated', 'verified', 'expired', 'disabled'];

/**
 * The rows of a tree table for `t`, plus the per-user rows of `t.plus`, minus those of `t.minus`:
 * `treeCols` of the tree table line up with `userCols` (expressions) of the per-user table; the
 * first is the key (project, type, hour), the others are sums (negated for `minus`).
 */
function corrected(t: TreeScope, tree: string, treeCols: string[], user: string, owner: string, userCols: string[]): string {
  const part = (ids: number[], sign: string) =>
    ids.length ? ` UNION ALL SELECT day, ${userCols.map((c, i) => (i ? `${sign}(${c})` : c)).join(', ')} FROM ${user} WHERE ${owner} IN (${ids.join(',')})` : '';
  return `(SELECT day, ${treeCols.join(', ')} FROM ${tree} WHERE ${t.trees}${part(t.plus, '')}${part(t.minus, '-')}) x`;
}

/** Everything the landing page of `actor` shows for the range `query` names (default: the last 30 days by day). */
export async function dashboardData(actor: Actor, query: unknown = {}, today?: string): Promise<DashboardData> {
  const w = statsWindow(query, today);
  const rep = replacementsOf(w);
  const bucket = TRUNC[w.range];
  const at = new Map(w.buckets.map((b, i) => [b, i]));
  const zeros = () => w.buckets.map(() => 0);
  const notAgent = actor.role !== 'agent';
  const isSuper = actor.role === 'super_admin';

  // Started first: the tree check (the other reads depend on it) and the current figures.
  const figures = currentFigures(actor);
  figures.catch(() => undefined);
  const treeCheck = treeScope(actor, w);
  treeCheck.catch(() => undefined);

  type RankRow = { agent_id: number; agent: string; g: string; a: string };
  // The ranking: stored per tree for the default windows (kept by the rollup); else two index-only
  // reads of the running totals per agent; a project filter needs the per-project rows.
  const liveRanking = (): Promise<RankRow[]> =>
    w.projectId
      ? select<RankRow>(
          `SELECT s.agent_id, u.username AS agent, s.g, s.a
             FROM (SELECT agent_id, sum(generated) AS g, sum(activated) AS a FROM daily_card_key_stats WHERE ${cardKeyWhere(actor, w)} GROUP BY 1) s
             JOIN admin_users u ON u.id = s.agent_id AND u.role = 'agent'
            ORDER BY s.g DESC, s.a DESC, u.username LIMIT 10`,
          rep,
        )
      : select<RankRow>(
          `SELECT u.id AS agent_id, u.username AS agent, hi.tg - coalesce(lo.tg, 0) AS g, hi.ta - coalesce(lo.ta, 0) AS a
             FROM admin_users u
             JOIN LATERAL (SELECT t.day, t.total_generated AS tg, t.total_activated AS ta FROM daily_agent_key_totals t
                            WHERE t.agent_id = u.id AND t.day <= :to ORDER BY t.day DESC LIMIT 1) hi ON hi.day >= :from
             LEFT JOIN LATERAL (SELECT t.total_generated AS tg, t.total_activated AS ta FROM daily_agent_key_totals t
                                 WHERE t.agent_id = u.id AND t.day < :from ORDER BY t.day DESC LIMIT 1) lo ON TRUE
            WHERE u.role = 'agent' AND ${[userScopeSql(actor, 'u.id'), w.agentId ? 'u.id = :agentId' : ''].filter(Boolean).join(' AND ')}
            ORDER BY 3 DESC, 4 DESC, u.username LIMIT 10`,
          rep,
        );
  const rankingRows = notAgent
    ? (async (): Promise<RankRow[]> => {
        if (!(await treeCheck)?.exact || w.projectId) return liveRanking();
        const stored = await select<{ stored: boolean; agent_id: number | null; agent: string | null; g: string; a: string }>(
          `SELECT sw.from_day IS NOT NULL AS stored, r.agent_id, u.username AS agent, r.generated AS g, r.activated AS a
             FROM (SELECT 1) one
             LEFT JOIN stats_ranking_windows sw ON sw.from_day = :from AND sw.to_day = :to
             LEFT JOIN stats_rankings r ON r.tree_id = :tree AND r.from_day = sw.from_day AND r.to_day = sw.to_day
             LEFT JOIN admin_users u ON u.id = r.agent_id AND u.role = 'agent'
            ORDER BY r.generated DESC, r.activated DESC, u.username`,
          { ...rep, tree: isSuper ? ALL_TREES : Number(actor.id) },
        );
        // Not kept for this window, or an agent of it is gone (deleted, no longer an agent): compute it.
        if (!stored[0]?.stored || stored.some((r) => r.agent_id !== null && r.agent === null)) return liveRanking();
        return stored.filter((r): r is RankRow & { stored: boolean } => r.agent_id !== null).slice(0, 10);
      })()
    : undefined;
  rankingRows?.catch(() => undefined);

  // The sums of a whole scope come from the per-tree rollups when they hold exactly that scope.
  const tree = await treeCheck;
  const src = tree
    ? {
        keys: corrected(tree, 'daily_tree_card_key_stats', KEY_COLS, 'daily_card_key_stats', 'agent_id', KEY_COLS),
        quota: corrected(tree, 'daily_tree_quota_stats', ['type', 'amount', 'amount_in', 'amount_out'], 'daily_quota_stats', 'user_id', ['type', 'amount', 'greatest(amount, 0)', 'least(amount, 0)']),
        activity: corrected(tree, 'daily_tree_activity_stats', ['hour', 'logins', 'operations'], 'daily_activity_stats', 'user_id', ['hour', 'logins', 'operations']),
        keyWhere: ['day BETWEEN :from AND :to', w.projectId ? 'project_id = :projectId' : ''].filter(Boolean).join(' AND '),
        userWhere: 'day BETWEEN :from AND :to',
        scopeOnly: 'TRUE',
        quotaIn: 'sum(amount_in)',
        quotaOut: '-sum(amount_out)',
      }
    : {
        keys: 'daily_card_key_stats',
        quota: 'daily_quota_stats',
        activity: 'daily_activity_stats',
        keyWhere: cardKeyWhere(actor, w),
        userWhere: userWhere(actor, w),
        scopeOnly: [userScopeSql(actor, 'user_id'), w.agentId ? 'user_id = :agentId' : ''].filter(Boolean).join(' AND '),
        quotaIn: 'sum(amount) FILTER (WHERE amount > 0)',
        quotaOut: '-sum(amount) FILTER (WHERE amount < 0)',
      };
  const keyWhere = src.keyWhere;
  const quotaWhere = src.userWhere;
  const scopeOnly = src.scopeOnly;
  // Every read is independent: they run at once on the pool, the page waits for the slowest. Groups
  // that sum to nothing are left out (a corrected tree may hold them where the per-user rows do not).
  const pending = {
    figures,
    project: select<{ project_id: number; project: string; g: string; a: string }>(
      `SELECT s.project_id, p.name AS project, sum(s.generated) AS g, sum(s.activated) AS a
         FROM (SELECT project_id, sum(generated) AS generated, sum(activated) AS activated FROM ${src.keys} WHERE ${keyWhere} GROUP BY 1
                HAVING sum(generated) <> 0 OR sum(activated) <> 0) s
         JOIN projects p ON p.id = s.project_id
        GROUP BY 1, 2 ORDER BY 3 DESC, 2`,
      rep,
    ),
    quotaType: select<{ type: string; inc: string; outc: string }>(
      `SELECT type, coalesce(${src.quotaIn}, 0) AS inc, coalesce(${src.quotaOut}, 0) AS outc
         FROM ${src.quota} WHERE ${quotaWhere} GROUP BY 1 HAVING ${src.quotaIn} <> 0 OR ${src.quotaOut} <> 0 ORDER BY 1`,
      rep,
    ),
    opening: select<{ s: string }>(`SELECT coalesce(sum(amount), 0) AS s FROM ${src.quota} WHERE day < :from AND ${scopeOnly}`, rep),
    moves: select<{ b: string; s: string }>(`SELECT ${bucket}::text AS b, sum(amount) AS s FROM ${src.quota} WHERE ${quotaWhere} GROUP BY 1`, rep),
    ranking: rankingRows,
    heatmap: notAgent
      ? select<{ wd: number; hour: number; n: string }>(
          `SELECT (extract(isodow FROM day)::int - 1) AS wd, hour, sum(logins + operations) AS n
             FROM ${src.activity} WHERE ${quotaWhere} GROUP BY 1, 2 HAVING sum(logins + operations) <> 0 ORDER BY 1, 2`,
          rep,
        )
      : undefined,
    orders: isSuper
      ? select<{ b: string; o: string; rev: string; au: string }>(
          `SELECT ${bucket}::text AS b, sum(paid_orders) AS o, sum(revenue) AS rev, max(active_users) AS au
             FROM daily_order_stats WHERE day BETWEEN :from AND :to GROUP BY 1`,
          rep,
        )
      : undefined,
    points: isSuper
      ? select<{ b: string; sold: string; consumed: string }>(
          `SELECT ${bucket}::text AS b, coalesce(sum(points) FILTER (WHERE operation_type = 1), 0) AS sold,
                  coalesce(-sum(points) FILTER (WHERE operation_type = 2), 0) AS consumed
             FROM daily_points_stats WHERE day BETWEEN :from AND :to GROUP BY 1`,
          rep,
        )
      : undefined,
  };
  // Nothing is left unobserved if one read fails.
  for (const p of Object.values(pending)) p?.catch(() => undefined);

  const keyRows = await select<{ b: string; g: string; a: string; v: string; e: string; d: string }>(
    `SELECT ${bucket}::text AS b, sum(generated) AS g, sum(activated) AS a, sum(verified) AS v, sum(expired) AS e, sum(disabled) AS d
       FROM ${src.keys} WHERE ${keyWhere} GROUP BY 1`,
    rep,
  );
  const keys = { generated: zeros(), activated: zeros(), verified: zeros() };
  const totals: CardKeyTotals = { generated: 0, activated: 0, verified: 0, expired: 0, disabled: 0 };
  for (const r of keyRows) {
    const i = at.get(r.b);
    if (i !== undefined) {
      keys.generated[i] = Number(r.g);
      keys.activated[i] = Number(r.a);
      keys.verified[i] = Number(r.v);
    }
    totals.generated += Number(r.g);
    totals.activated += Number(r.a);
    totals.verified += Number(r.v);
    totals.expired += Number(r.e);
    totals.disabled += Number(r.d);
  }

  const keysByProject = (
    await pending.project
  ).map((r) => ({ projectId: r.project_id, project: r.project, generated: Number(r.g), activated: Number(r.a) }));

  const quotaByType = (
    await pending.quotaType
  ).map((r) => ({ type: r.type, in: money(cents(r.inc)), out: money(cents(r.outc)) }));

  // Balance at the end of each bar: everything before the window, then each bar's movements.
  const [opening] = await pending.opening;
  const moves = zeros();
  for (const r of await pending.moves) {
    const i = at.get(r.b);
    if (i !== undefined) moves[i] = cents(r.s);
  }
  let running = cents(opening!.s);
  const balance = moves.map((m) => money((running += m)));

  const quotaIn = quotaByType.reduce((s, q) => s + cents(q.in), 0);
  const quotaOut = quotaByType.reduce((s, q) => s + cents(q.out), 0);
  const data: DashboardData = {
    role: actor.role,
    range: w.range,
    from: w.from,
    to: w.to,
    figures: [
      ...(await pending.figures),
      { key: 'keysGenerated', value: totals.generated },
      { key: 'keysActivated', value: totals.activated },
      { key: 'keysVerified', value: totals.verified },
      { key: 'quotaIn', value: money(quotaIn), money: true },
      { key: 'quotaOut', value: money(quotaOut), money: true },
    ],
    buckets: w.buckets,
    keys,
    keysByProject,
    keysByStatus: [
      { status: 'activated', count: totals.activated },
      { status: 'expired', count: totals.expired },
      { status: 'disabled', count: totals.disabled },
      { status: 'notActivated', count: Math.max(0, totals.generated - totals.activated) },
    ],
    quotaByType,
    balance,
  };

  if (actor.role !== 'agent') {
    data.ranking = (
      await pending.ranking!
    ).map((r) => ({ agentId: r.agent_id, agent: r.agent, generated: Number(r.g), activated: Number(r.a) }));
    data.heatmap = (
      await pending.heatmap!
    ).map((r) => [r.wd, r.hour, Number(r.n)]);
  }

  if (actor.role === 'super_admin') {
    const points = { orders: zeros(), revenue: w.buckets.map(() => '0.00'), sold: zeros(), consumed: zeros(), activeUsers: zeros() };
    for (const r of await pending.orders!) {
      const i = at.get(r.b);
      if (i === undefined) continue;
      points.orders[i] = Number(r.o);
      points.revenue[i] = money(cents(r.rev));
      points.activeUsers[i] = Number(r.au);
    }
    for (const r of await pending.points!) {
      const i = at.get(r.b);
      if (i === undefined) continue;
      points.sold[i] = Number(r.sold);
      points.consumed[i] = Number(r.consumed);
    }
    data.points = points;
    data.figures.push(
      { key: 'paidOrders', value: points.orders.reduce((s, n) => s + n, 0) },
      { key: 'revenue', value: money(points.revenue.reduce((s, v) => s + cents(v), 0)), money: true },
    );
  }
  return data;
}
