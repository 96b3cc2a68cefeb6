import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { logger } from '../../logger.js';
import { redis, redisKey } from '../../redis.js';

/**
 * Calls today and last use per key, counted in Redis on every allowed charge (one pipelined round
 * trip, no row lock on the key) and copied into `meta_auth_key` by the worker. "Today" is the
 * business day in China (UTC+8). The flush writes absolute values, so running it twice, or two
 * workers at once, is harmless.
 */
const DAY_TTL_SECONDS = 3 * 24 * 3600;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

export function businessDay(at: Date = new Date()): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

const callsKey = (day: string) => redisKey('apikeys', 'calls', day);
const lastUsedKey = (day: string) => redisKey('apikeys', 'lastused', day);

/** Fire-and-forget: losing a counter increment must never fail or slow down a charge. */
export function recordKeyUse(keyId: string, at: Date = new Date()): void {
  const day = businessDay(at);
  redis()
    .multi()
    .hincrby(callsKey(day), keyId, 1)
    .expire(callsKey(day), DAY_TTL_SECONDS)
    .hset(lastUsedKey(day), keyId, String(at.getTime()))
    .expire(lastUsedKey(day), DAY_TTL_SECONDS)
    .exec()
    .catch((err) => logger().warn({ err, keyId }, 'api key usage counter not updated'));
}

export interface KeyUsage {
  callsToday: number;
  lastUsedAt: Date | null;
}

/** Today's live counters for these keys (not yet flushed ones included). Missing Redis → empty map. */
export async function readLiveUsage(keyIds: string[], now: Date = new Date()): Promise<Map<string, KeyUsage>> {
  const usage = new Map<string, KeyUsage>();
  if (keyIds.length === 0) return usage;
  const day = businessDay(now);
  try {
    const [calls, lastUsed] = await Promise.all([redis().hmget(callsKey(day), ...keyIds), redis().hmget(lastUsedKey(day), ...keyIds)]);
    keyIds.forEach((id, i) => {
      const c = calls[i];
      const l = lastUsed[i];
      if (c != null || l != null) usage.set(id, { callsToday: c ? Number(c) : 0, lastUsedAt: l ? new Date(Number(l)) : null });
    });
  } catch (err) {
    logger().warn({ err }, 'api key usage counters unavailable; showing flushed values');
  }
  return usage;
}

/**
 * Copies yesterday's and today's counters into the keys' rows. Yesterday's final count only lands
 * if the row has not already moved on to today; last use only ever moves forward.
 */
export async function flushKeyUsage(now: Date = new Date()): Promise<{ keys: number }> {
  const days = [businessDay(new Date(now.getTime() - 24 * 3600 * 1000)), businessDay(now)];
  let keys = 0;
  for (const day of days) {
    const [calls, lastUsed] = await Promise.all([redis().hgetall(callsKey(day)), redis().hgetall(lastUsedKey(day))]);
    const ids = [...new Set([...Object.keys(calls), ...Object.keys(lastUsed)])].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (ids.length === 0) continue;
    await db().query(
      `UPDATE meta_auth_key k
          SET calls_today = CASE WHEN k.calls_day IS NULL OR k.calls_day <= v.day THEN v.calls ELSE k.calls_today END,
              calls_day = GREATEST(COALESCE(k.calls_day, v.day), v.day),
              last_used_at = GREATEST(k.last_used_at, v.last_used)
         FROM (SELECT unnest(ARRAY[:ids]::uuid[]) AS id,
                      unnest(ARRAY[:calls]::int[]) AS calls,
                      unnest(ARRAY[:lastUsed]::timestamptz[]) AS last_used,
                      :day::date AS day) v
        WHERE k.id = v.id`,
      {
        replacements: {
          ids,
          calls: ids.map((id) => Number(calls[id] ?? 0)),
          lastUsed: ids.map((id) => (lastUsed[id] ? new Date(Number(lastUsed[id])).toISOString() : null)),
          day,
        },
        type: QueryTypes.UPDATE,
      },
    );
    keys += ids.length;
  }
  return { keys };
}
