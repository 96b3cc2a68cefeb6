import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import { db } from '../../db/index.js';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';
import { defineJob } from '../../queues/defineJob.js';
import { addDays, chinaDay, chinaHour, dayStart, daysBetween, parseDay, STATS_TIME_ZONE } from './days.js';

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

export interface DayRollup {
  day: string;
  /** Rows written per table. */
  rows: Record<RollupTable, number>;
  ms: number;
}

async function insertedRows(sql: string, replacements: Record<string, unknown>, transaction: Transaction): Promise<number> {
  const [, affected] = (await db().query(sql, { replacements, transaction, type: QueryTypes.INSERT })) as unknown as [unknown, number];
  return Number(affected ?? 0);
}

/** Recomputes one China business day in every rollup table (delete + insert in one transaction). */
export async function rollupDay(dayText: string): Promise<DayRollup> {
  const day = parseDay(dayText);
  const started = performance.now();
  const replacements = { day, from: dayStart(day), to: dayStart(addDays(day, 1)) };
  const rows = {} as Record<RollupTable, number>;
  await db().transaction(async (transaction) => {
    await db().query(`SELECT pg_advisory_xact_lock(${DAY_LOCK}, (:day::date - '2000-01-01'::date))`, { replacements, transaction });
    for (const [table, sql] of ROLLUPS) {
      await db().query(`DELETE FROM ${table} WHERE day = :day::date`, { replacements, transaction });
      rows[table] = await insertedRows(sql, replacements, transaction);
    }
  });
  return { day, rows, ms: Math.round(performance.now() - started) };
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
    const r = await rollupDay(day);
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
