import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import { db } from '../../db/index.js';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';
import { defineJob } from '../../queues/defineJob.js';
import { addDays, chinaDay, chinaHour, dayStart, daysBetween, parseDay, STATS_TIME_ZONE } from './days.js';
import { RANGES, statsWindow } from './scope.js';

/**
 * The daily rollups: one China business day (UTC+8) of the raw tables, summed into the
 * `daily_*_stats` tables the dashboards and stats views read.
 *
 * A day is always recomputed whole: inside one transaction, holding an advisory lock on that day,
 * its rows are deleted and inserted again from the raw tables. Running it twice leaves the same rows;
 * a late row (a verification flushed after midnight, a key disabled later) is picked up by running
 * the day again. What each figure means:
 * - card keys (day × project × agent): generated = created that day; activated = activated_at that
 *   day; verified = successful verifications (result OK) logged that day; expired = keys whose
 *   validity ended that day (expires_at that day and already past); disabled = keys disabled now
 *   whose last change was that day (a key enabled again leaves the count).
 * - quota (day × user × ledger type): the sum of balance deltas and the number of ledger rows.
 * - activity (day × hour × user): successful logins and operation-log rows by that actor. Online
 *   time is not rolled up: sessions keep only their expiry, so any figure would be invented.
 * - points (day × operation type): points moved (signed, as in the ledger), rows, distinct users.
 * - orders (day): orders paid and their amount, orders refunded and their amount, active
 *   mini-program users (with a ledger row or an order that day), new mini-program users.
 */

const DAY_LOCK = 7_311_301; // first key of pg_advisory_xact_lock(key, day number)

const CARD_KEYS_SQL = `
  INSERT INTO daily_card_key_stats (day, project_id, agent_id, generated, activated, verified, expired, disabled)
  SELECT :day::date, project_id, agent_id, sum(g), sum(a), sum(v), sum(e), sum(d)
    FROM (
      SELECT project_id, agent_id, count(*) AS g, 0 AS a, 0 AS v, 0 AS e, 0 AS d
        FROM card_keys WHERE created_at >= :from AND created_at < :to GROUP BY 1, 2
      UNION ALL
      SELECT project_id, agent_id, 0, count(*), 0, 0, 0
        FROM card_keys WHERE activated_at >= :from AND activated_at < :to GROUP BY 1, 2
      UNION ALL
      SELECT project_id, agent_id, 0, 0, count(*), 0, 0
        FROM card_key_verifications
       WHERE created_at >= :from AND created_at < :to AND result = 'OK' AND project_id IS NOT NULL AND agent_id IS NOT NULL
       GROUP BY 1, 2
      UNION ALL
      SELECT project_id, agent_id, 0, 0, 0, count(*), 0
        FROM card_keys WHERE expires_at >= :from AND expires_at < least(:to, now()) GROUP BY 1, 2
      UNION ALL
      SELECT project_id, agent_id, 0, 0, 0, 0, count(*)
        FROM card_keys WHERE status = 'disabled' AND updated_at >= :from AND updated_at < :to GROUP BY 1, 2
    ) s
   WHERE EXISTS (SELECT 1 FROM admin_users u WHERE u.id = s.agent_id)
   GROUP BY project_id, agent_id`;

const QUOTA_SQL = `
  INSERT INTO daily_quota_stats (day, user_id, type, amount, moves)
  SELECT :day::date, user_id, type, sum(balance_delta), count(*)
    FROM quota_ledger WHERE created_at >= :from AND created_at < :to
   GROUP BY user_id, type`;

const ACTIVITY_SQL = `
  INSERT INTO daily_activity_stats (day, hour, user_id, logins, operations)
  SELECT :day::date, hour, user_id, sum(l), sum(o)
    FROM (
      SELECT extract(hour FROM created_at AT TIME ZONE '${STATS_TIME_ZONE}')::smallint AS hour, user_id, count(*) AS l, 0 AS o
        FROM login_logs WHERE created_at >= :from AND created_at < :to AND success AND user_id IS NOT NULL GROUP BY 1, 2
      UNION ALL
      SELECT extract(hour FROM created_at AT TIME ZONE '${STATS_TIME_ZONE}')::smallint, actor_id, 0, count(*)
        FROM operation_logs WHERE created_at >= :from AND created_at < :to AND actor_id IS NOT NULL GROUP BY 1, 2
    ) s
   GROUP BY hour, user_id`;

const POINTS_SQL = `
  INSERT INTO daily_points_stats (day, operation_type, points, records, users)
  SELECT :day::date, operation_type, sum(points_change), count(*), count(DISTINCT user_id)
    FROM purchase_record WHERE created_at >= :from AND created_at < :to
   GROUP BY operation_type`;

const ORDERS_SQL = `
  INSERT INTO daily_order_stats (day, paid_orders, revenue, refunded_orders, refunded_amount, active_users, new_users)
  SELECT :day::date,
         (SELECT count(*) FROM meta_order WHERE paid_at >= :from AND paid_at < :to),
         (SELECT coalesce(sum(total_amount), 0) FROM meta_order WHERE paid_at >= :from AND paid_at < :to),
         (SELECT count(*) FROM meta_order WHERE refunded_at >= :from AND refunded_at < :to),
         (SELECT coalesce(sum(total_amount), 0) FROM meta_order WHERE refunded_at >= :from AND refunded_at < :to),
         (SELECT count(*) FROM (
            SELECT user_id FROM purchase_record WHERE created_at >= :from AND created_at < :to
            UNION
            SELECT user_id FROM meta_order WHERE created_at >= :from AND created_at < :to) u),
         (SELECT count(*) FROM meta_user WHERE created_at >= :from AND created_at < :to)`;

/** The five rollups of a day, by the table each fills. */
export const ROLLUPS = [
  ['daily_card_key_stats', CARD_KEYS_SQL],
  ['daily_quota_stats', QUOTA_SQL],
  ['daily_activity_stats', ACTIVITY_SQL],
  ['daily_points_stats', POINTS_SQL],
  ['daily_order_stats', ORDERS_SQL],
] as const;
export type RollupTable = (typeof ROLLUPS)[number][0];

/**
 * The per-tree rollups (migration 20261206100000): the card-key, quota and activity rollups summed
 * per tree (an agent admin and their agents; anyone else alone), so a dashboard reads one row per
 * day instead of one per agent and day. Always derived from the per-user tables above, with the
 * membership saved in stats_tree_members.
 */
export const TREE_ROLLUPS = [
  [
    'daily_tree_card_key_stats',
    `INSERT INTO daily_tree_card_key_stats (tree_id, day, project_id, generated, activated, verified, expired, disabled)
     SELECT m.tree_id, s.day, s.project_id, sum(s.generated), sum(s.activated), sum(s.verified), sum(s.expired), sum(s.disabled)
       FROM daily_card_key_stats s JOIN stats_tree_members m ON m.user_id = s.agent_id
      WHERE $WHERE GROUP BY 1, 2, 3`,
  ],
  [
    'daily_tree_quota_stats',
    `INSERT INTO daily_tree_quota_stats (tree_id, day, type, amount, amount_in, amount_out, moves)
     SELECT m.tree_id, s.day, s.type, sum(s.amount), coalesce(sum(s.amount) FILTER (WHERE s.amount > 0), 0),
            coalesce(sum(s.amount) FILTER (WHERE s.amount < 0), 0), sum(s.moves)
       FROM daily_quota_stats s JOIN stats_tree_members m ON m.user_id = s.user_id
      WHERE $WHERE GROUP BY 1, 2, 3`,
  ],
  [
    'daily_tree_activity_stats',
    `INSERT INTO daily_tree_activity_stats (tree_id, day, hour, logins, operations)
     SELECT m.tree_id, s.day, s.hour, sum(s.logins), sum(s.operations)
       FROM daily_activity_stats s JOIN stats_tree_members m ON m.user_id = s.user_id
      WHERE $WHERE GROUP BY 1, 2, 3`,
  ],
] as const;

/** The tree (and role) of each user now: an agent admin heads their own; anyone else belongs to their parent's, or is alone. */
export const CURRENT_TREES_SQL = `SELECT id AS user_id, CASE WHEN role = 'agent_admin' THEN id ELSE coalesce(parent_id, id) END AS tree_id, role FROM admin_users`;

/** The tree id of a super admin's ranking (every agent); no user has id 0. */
export const ALL_TREES = 0;

/**
 * The ranking of every tree, and of all agents (tree 0), over one window: per agent two index-only
 * reads of the running totals (at the end, before the start); the top 10 by keys generated then
 * activated, with every agent tied with the 10th (the reader breaks ties by the current username).
 * Agents are those of the saved membership (role 'agent') with a card-key row in the window.
 */
const RANKING_SQL = `
  WITH agents AS (
    SELECT m.user_id AS agent_id, m.tree_id, hi.tg - coalesce(lo.tg, 0) AS g, hi.ta - coalesce(lo.ta, 0) AS a
      FROM stats_tree_members m
      JOIN LATERAL (SELECT t.day, t.total_generated AS tg, t.total_activated AS ta FROM daily_agent_key_totals t
                     WHERE t.agent_id = m.user_id AND t.day <= :to::date ORDER BY t.day DESC LIMIT 1) hi ON hi.day >= :from::date
      LEFT JOIN LATERAL (SELECT t.total_generated AS tg, t.total_activated AS ta FROM daily_agent_key_totals t
                          WHERE t.agent_id = m.user_id AND t.day < :from::date ORDER BY t.day DESC LIMIT 1) lo ON TRUE
     WHERE m.role = 'agent'
  ), scoped AS (
    SELECT tree_id, agent_id, g, a FROM agents
    UNION ALL
    SELECT ${ALL_TREES}, agent_id, g, a FROM agents
  )
  INSERT INTO stats_rankings (tree_id, from_day, to_day, agent_id, generated, activated)
  SELECT tree_id, :from::date, :to::date, agent_id, g, a
    FROM (SELECT s.*, rank() OVER (PARTITION BY tree_id ORDER BY g DESC, a DESC) AS r FROM scoped s) x
   WHERE r <= 10`;

/** The windows whose rankings are kept: the default window of each range kind ending `today`. */
export function rankingWindows(today: string): Array<[string, string]> {
  return RANGES.map((range) => {
    const w = statsWindow({ range }, today);
    return [w.from, w.to] as [string, string];
  });
}

/** Computes (again) the rankings of `windows` for every tree, inside `transaction` (holding the tree lock). */
export async function storeRankings(windows: Array<[string, string]>, transaction: Transaction): Promise<void> {
  for (const [from, to] of windows) {
    const replacements = { from, to };
    await db().query(`DELETE FROM stats_ranking_windows WHERE from_day = :from::date AND to_day = :to::date`, { replacements, transaction });
    await db().query(`INSERT INTO stats_ranking_windows (from_day, to_day) VALUES (:from::date, :to::date)`, { replacements, transaction });
    await db().query(RANKING_SQL, { replacements, transaction });
  }
}

const TREE_LOCK = -1; // second key of the advisory lock the tree step holds (day numbers are ≥ 0 in practice)

/**
 * Brings the tree rollups in line, inside `transaction`: first every tree whose membership changed
 * since it was last summed (a new, moved, promoted or deleted user) is summed again over all days
 * and the membership saved; then `day` (when given) is summed again for every tree. One lock
 * serializes this step across rollups, so the saved membership always matches the tree rows.
 */
export async function syncTreeRollups(
  day: string | null,
  transaction: Transaction,
  rankings: { today: string } | null = null,
): Promise<{ trees: number; rows: number }> {
  await db().query(`SELECT pg_advisory_xact_lock(${DAY_LOCK}, ${TREE_LOCK})`, { transaction });
  // One read of the membership, used for both the comparison and the saved copy: a user moved
  // between two separate reads would be saved as summed without their trees being summed again.
  await db().query(`DROP TABLE IF EXISTS stats_tree_now; CREATE TEMP TABLE stats_tree_now ON COMMIT DROP AS ${CURRENT_TREES_SQL}`, { transaction });
  const changed = await db().query<{ tree_id: number }>(
    `WITH now AS (SELECT user_id, tree_id, role FROM stats_tree_now)
     SELECT DISTINCT tree_id FROM (
       (SELECT user_id, tree_id, role FROM now EXCEPT SELECT user_id, tree_id, role FROM stats_tree_members)
       UNION ALL
       (SELECT user_id, tree_id, role FROM stats_tree_members EXCEPT SELECT user_id, tree_id, role FROM now)
     ) d`,
    { transaction, type: QueryTypes.SELECT },
  );
  const trees = changed.map((c) => c.tree_id);
  if (trees.length) {
    await db().query(`DELETE FROM stats_tree_members; INSERT INTO stats_tree_members (user_id, tree_id, role) SELECT user_id, tree_id, role FROM stats_tree_now`, { transaction });
    for (const [table, sql] of TREE_ROLLUPS) {
      await db().query(`DELETE FROM ${table} WHERE tree_id IN (:trees)`, { replacements: { trees }, transaction });
      await db().query(sql.replace('$WHERE', 'm.tree_id IN (:trees)'), { replacements: { trees }, transaction });
    }
  }
  let rows = 0;
  if (day) {
    for (const sql of AGENT_TOTALS_SQL) await db().query(sql, { replacements: { day }, transaction });
    for (const [table, sql] of TREE_ROLLUPS) {
      await db().query(`DELETE FROM ${table} WHERE day = :day::date`, { replacements: { day }, transaction });
      rows += await insertedRows(sql.replace('$WHERE', 's.day = :day::date'), { day }, transaction);
    }
  }
  // Rankings: a changed membership or a window holding the day makes a stored ranking wrong, so it
  // goes (readers compute it from the running totals meanwhile); the default windows of `today`
  // are then computed again when asked (the last day of a backfill, every scheduled run).
  if (trees.length) await db().query(`DELETE FROM stats_ranking_windows`, { transaction });
  else if (day) await db().query(`DELETE FROM stats_ranking_windows WHERE from_day <= :day::date AND to_day >= :day::date`, { replacements: { day }, transaction });
  if (rankings) {
    await db().query(`DELETE FROM stats_ranking_windows WHERE to_day < :today::date`, { replacements: rankings, transaction });
    const stored = await db().query<{ f: string; t: string }>(`SELECT from_day::text AS f, to_day::text AS t FROM stats_ranking_windows`, { transaction, type: QueryTypes.SELECT });
    const have = new Set(stored.map((x) => `${x.f}|${x.t}`));
    await storeRankings(rankingWindows(rankings.today).filter(([f, t]) => !have.has(`${f}|${t}`)), transaction);
  }
  return { trees: trees.length, rows };
}

/**
 * Recomputes `day` in daily_agent_key_totals from daily_card_key_stats (already rolled up in the
 * same transaction), in three statements: every later day of an agent whose count for `day` changed
 * moves by the difference (a backfilled past day carries through to today); the day's rows are
 * removed; they are written again, each running total being the agent's last one before the day
 * plus the day's count. Runs under the tree lock, so two days never move one agent's rows at once.
 */
const FRESH_AGENT_DAY = `SELECT agent_id, sum(generated) AS g, sum(activated) AS a FROM daily_card_key_stats WHERE day = :day::date GROUP BY 1`;
const AGENT_TOTALS_SQL = [
  `UPDATE daily_agent_key_totals t
      SET total_generated = t.total_generated + d.dg, total_activated = t.total_activated + d.da
     FROM (SELECT agent_id, coalesce(f.g, 0) - coalesce(o.generated, 0) AS dg, coalesce(f.a, 0) - coalesce(o.activated, 0) AS da
             FROM (${FRESH_AGENT_DAY}) f
             FULL JOIN (SELECT agent_id, generated, activated FROM daily_agent_key_totals WHERE day = :day::date) o USING (agent_id)) d
    WHERE t.agent_id = d.agent_id AND t.day > :day::date AND (d.dg <> 0 OR d.da <> 0)`,
  `DELETE FROM daily_agent_key_totals WHERE day = :day::date`,
  `INSERT INTO daily_agent_key_totals (agent_id, day, generated, activated, total_generated, total_activated)
   SELECT f.agent_id, :day::date, f.g, f.a, f.g + coalesce(p.tg, 0), f.a + coalesce(p.ta, 0)
     FROM (${FRESH_AGENT_DAY}) f
     LEFT JOIN LATERAL (
       SELECT total_generated AS tg, total_activated AS ta FROM daily_agent_key_totals t
        WHERE t.agent_id = f.agent_id AND t.day < :day::date ORDER BY t.day DESC LIMIT 1
     ) p ON TRUE`,
];

/** Sums every tree and every running total again from the per-user rollups (after writing those directly, as the benchmark does). */
export async function rebuildDerivedRollups(): Promise<void> {
  await db().transaction(async (transaction) => {
    await db().query(`SELECT pg_advisory_xact_lock(${DAY_LOCK}, ${TREE_LOCK})`, { transaction });
    for (const [table] of TREE_ROLLUPS) await db().query(`DELETE FROM ${table}`, { transaction });
    await db().query(`DELETE FROM stats_tree_members; DELETE FROM stats_ranking_windows`, { transaction });
    await db().query(
      `DELETE FROM daily_agent_key_totals;
       INSERT INTO daily_agent_key_totals (agent_id, day, generated, activated, total_generated, total_activated)
       SELECT agent_id, day, g, a, sum(g) OVER w, sum(a) OVER w
         FROM (SELECT agent_id, day, sum(generated) AS g, sum(activated) AS a FROM daily_card_key_stats GROUP BY 1, 2) s
       WINDOW w AS (PARTITION BY agent_id ORDER BY day)`,
      { transaction },
    );
    await syncTreeRollups(null, transaction, { today: chinaDay() });
  });
}

export interface DayRollup {
  day: string;
  /** Rows written per table. */
  rows: Record<RollupTable, number>;
  /** Per-tree rows written for the day, and trees summed again over all days because their membership changed. */
  tree: { rows: number; rebuilt: number };
  ms: number;
}

async function insertedRows(sql: string, replacements: Record<string, unknown>, transaction: Transaction): Promise<number> {
  const [, affected] = (await db().query(sql, { replacements, transaction, type: QueryTypes.INSERT })) as unknown as [unknown, number];
  return Number(affected ?? 0);
}

/**
 * Recomputes one China business day in every rollup table (delete + insert in one transaction), then
 * the per-tree rollups, running totals and, unless `rankings` is false (the days of a backfill before
 * its last), the stored rankings of the default windows ending `today`.
 */
export async function rollupDay(dayText: string, options: { rankings?: boolean; today?: string } = {}): Promise<DayRollup> {
  const day = parseDay(dayText);
  const started = performance.now();
  const replacements = { day, from: dayStart(day), to: dayStart(addDays(day, 1)) };
  const rows = {} as Record<RollupTable, number>;
  let tree = { rows: 0, rebuilt: 0 };
  await db().transaction(async (transaction) => {
    await db().query(`SELECT pg_advisory_xact_lock(${DAY_LOCK}, (:day::date - '2000-01-01'::date))`, { replacements, transaction });
    for (const [table, sql] of ROLLUPS) {
      await db().query(`DELETE FROM ${table} WHERE day = :day::date`, { replacements, transaction });
      rows[table] = await insertedRows(sql, replacements, transaction);
    }
    const synced = await syncTreeRollups(day, transaction, options.rankings === false ? null : { today: options.today ?? chinaDay() });
    tree = { rows: synced.rows, rebuilt: synced.trees };
  });
  return { day, rows, tree, ms: Math.round(performance.now() - started) };
}

/** The days a scheduled run recomputes at `now`: today (UTC+8), and yesterday during the first two hours after midnight. */
export function scheduledDays(now: Date = new Date()): string[] {
  const today = chinaDay(now);
  return chinaHour(now) < 2 ? [addDays(today, -1), today] : [today];
}

export const MAX_BACKFILL_DAYS = 3660;

export const rollupRangeSchema = z
  .object({
    from: z.string().optional(),
    to: z.string().optional(),
  })
  .strict()
  .default({});
export type RollupRange = z.output<typeof rollupRangeSchema>;

/** The days a range names (both ends included; one end alone = that day; none = the scheduled days). */
export function rangeDays(range: RollupRange, now: Date = new Date()): string[] {
  if (!range.from && !range.to) return scheduledDays(now);
  const from = parseDay(range.from ?? range.to!, 'from');
  const to = parseDay(range.to ?? range.from!, 'to');
  if (from > to) throw badRequest(say(`起始日期 ${from} 晚于结束日期 ${to}`, `from ${from} is after to ${to}`), 'INVALID_RANGE');
  const days = daysBetween(from, to);
  if (days.length > MAX_BACKFILL_DAYS) {
    throw badRequest(say(`一次最多回填 ${MAX_BACKFILL_DAYS} 天`, `at most ${MAX_BACKFILL_DAYS} days per backfill`), 'RANGE_TOO_LONG');
  }
  return days;
}

/** Recomputes every day of `range` in order, telling `progress` after each. */
export async function rollupRange(range: RollupRange, progress?: (done: DayRollup, index: number, total: number) => void | Promise<void>): Promise<DayRollup[]> {
  const days = rangeDays(range);
  const out: DayRollup[] = [];
  for (const [i, day] of days.entries()) {
    const r = await rollupDay(day, { rankings: i === days.length - 1 });
    out.push(r);
    await progress?.(r, i + 1, days.length);
  }
  return out;
}

/**
 * `stats.rollup` (`seahorse job:run stats:rollup`): every 10 minutes the current China business day,
 * and the previous one just after midnight; with `{from, to}` a backfill, reporting progress.
 */
export const statsRollupJob = defineJob({
  name: 'stats.rollup',
  queue: 'stats',
  description: 'Recompute the daily stats rollups: today (UTC+8), yesterday just after midnight, or {from, to}',
  schedule: { every: 10 * 60_000 },
  data: rollupRangeSchema,
  options: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: 100, removeOnFail: 500 },
  run: async (range, ctx) => {
    const done = await rollupRange(range, async (r, i, total) => {
      ctx.log.info({ day: r.day, rows: r.rows, ms: r.ms }, 'stats day rolled up');
      await ctx.job?.progress(Math.round((i / total) * 100));
    });
    return { days: done.map((d) => d.day), ms: done.reduce((s, d) => s + d.ms, 0) };
  },
});
