import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { db } from '../../db/index.js';
import { logger } from '../../logger.js';
import { redis, redisKey } from '../../redis.js';
import { CHINA_OFFSET_MS, chinaWallClock } from '../../lib/chinaTime.js';
import { defineJob } from '../../queues/defineJob.js';

/**
 * Calls today and last use per key. Each process counts allowed charges in memory and sends them to
 * Redis at most every SEND_EVERY_MS as one pipeline (a Redis round trip per charge cost more than a
 * tenth of the charge path); the worker copies Redis into `meta_auth_key`. "Today" is the business
 * day in China (UTC+8). The flush writes absolute values, so running it twice, or two workers at
 * once, is harmless. A process that dies loses at most its last SEND_EVERY_MS of counts.
 */
const DAY_TTL_SECONDS = 3 * 24 * 3600;
const DAY_MS = 24 * 3600 * 1000;
const SEND_EVERY_MS = 200;

export function businessDay(at: Date = new Date()): string {
  return chinaWallClock(at).slice(0, 10);
}

const callsKey = (day: string) => redisKey('apikeys', 'calls', day);
const lastUsedKey = (day: string) => redisKey('apikeys', 'lastused', day);

/** Counted here, not yet in Redis: business day → key id → calls and last use (ms). */
let counted = new Map<string, Map<string, { calls: number; lastUsed: number }>>();
let sendTimer: NodeJS.Timeout | undefined;
/** The business day of the last use counted, so the hot path formats a date once a day. */
let today = { from: 0, to: 0, day: '' };

/** Counts one allowed charge. Never fails and never waits: losing a count must not touch a charge. */
export function recordKeyUse(keyId: string, at: Date = new Date()): void {
  const ms = at.getTime();
  if (ms < today.from || ms >= today.to) {
    const from = Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
    today = { from, to: from + DAY_MS, day: businessDay(at) };
  }
  let keys = counted.get(today.day);
  if (!keys) counted.set(today.day, (keys = new Map()));
  const entry = keys.get(keyId);
  if (entry) {
    entry.calls += 1;
    entry.lastUsed = Math.max(entry.lastUsed, ms);
  } else keys.set(keyId, { calls: 1, lastUsed: ms });
  sendTimer ??= setTimeout(() => void sendKeyUses(), SEND_EVERY_MS).unref();
}

/** Sends this process's counts to Redis now (one pipeline). Called on a timer, before reads and at shutdown. */
export async function sendKeyUses(): Promise<void> {
  clearTimeout(sendTimer);
  sendTimer = undefined;
  if (counted.size === 0) return;
  const batch = counted;
  counted = new Map();
  const pipeline = redis().multi();
  for (const [day, keys] of batch) {
    const lastUsed: Record<string, string> = {};
    for (const [keyId, { calls, lastUsed: ms }] of keys) {
      pipeline.hincrby(callsKey(day), keyId, calls);
      lastUsed[keyId] = String(ms);
    }
    pipeline.hset(lastUsedKey(day), lastUsed).expire(callsKey(day), DAY_TTL_SECONDS).expire(lastUsedKey(day), DAY_TTL_SECONDS);
  }
  await pipeline.exec().then(
    () => undefined,
    (err: unknown) => logger().warn({ err, keys: [...batch.values()].reduce((n, k) => n + k.size, 0) }, 'api key usage counters not updated'),
  );
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
    await sendKeyUses(); // this process's own recent uses are shown at once
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

export const flushKeyUsageJob = defineJob({
  name: 'api-keys.flush-usage',
  queue: 'stats',
  description: "Copy API keys' calls today and last use from the Redis counters into meta_auth_key (absolute values, safe to repeat)",
  schedule: { every: 60_000 },
  data: z.object({}).default({}),
  run: async () => flushKeyUsage(),
});
