import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { PointsOperation } from '../points/operations.js';
import { businessDay } from './usage.js';

export const STATS_DAYS = 30;

export interface KeyDailyStats {
  days: Array<{ day: string; calls: number; points: number }>;
  totalCalls: number;
  totalPoints: number;
}

export const apiKeyNotFound = () => notFound(say('API Key 不存在', 'No such API key'), 'API_KEY_NOT_FOUND', 3101);

/**
 * One key's charged calls and points per business day (China time), the last 30 days including
 * today, every day present (0 when idle), oldest first — from the consume ledger rows, so the
 * figures are exactly what was charged. Only the owner's own key (deleted keys are not found).
 */
export async function apiKeyDailyStats(userId: string, keyId: string, now: Date = new Date()): Promise<KeyDailyStats> {
  const [key] = await db().query<{ id: string }>('SELECT id FROM meta_auth_key WHERE id = :keyId AND user_id = :userId AND deleted_at IS NULL', {
    replacements: { keyId, userId },
    type: QueryTypes.SELECT,
  });
  if (!key) throw apiKeyNotFound();
  const today = businessDay(now);
  const rows = await db().query<{ day: string; calls: number; points: number }>(
    `WITH days AS (
       SELECT to_char(d, 'YYYY-MM-DD') AS day
         FROM generate_series(:today::date - (:span - 1), :today::date, interval '1 day') AS d)
     SELECT days.day, COALESCE(s.calls, 0)::int AS calls, COALESCE(s.points, 0)::int AS points
       FROM days LEFT JOIN (
         SELECT to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*) AS calls, -sum(points_change) AS points
           FROM purchase_record
          WHERE api_key_id = :keyId AND operation_type = :consume
            AND created_at >= (:today::date - (:span - 1))::timestamp AT TIME ZONE 'Asia/Shanghai'
          GROUP BY 1) s ON s.day = days.day
      ORDER BY days.day`,
    { replacements: { keyId, today, span: STATS_DAYS, consume: PointsOperation.consume }, type: QueryTypes.SELECT },
  );
  return {
    days: rows,
    totalCalls: rows.reduce((n, r) => n + r.calls, 0),
    totalPoints: rows.reduce((n, r) => n + r.points, 0),
  };
}
