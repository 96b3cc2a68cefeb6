import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { redis, redisKey } from '../redis.js';

const made = new WeakMap<Redis, Map<string, RateLimiterRedis>>();

/**
 * The Redis-backed limiter that allows `points` per `seconds` under the key prefix `name`, one per
 * process (rate-limiter-flexible fixes the allowance when a limiter is made). Every limiter of one
 * name counts in the same Redis keys, so an allowance read from a setting applies at once, changed
 * or not, to what was already counted; every process and restart shares those counts.
 */
export function redisLimiter(name: string | ReadonlyArray<string | number>, points: number, seconds: number): RateLimiterRedis {
  const client = redis();
  let byName = made.get(client);
  if (!byName) made.set(client, (byName = new Map()));
  const keyPrefix = redisKey(...(typeof name === 'string' ? [name] : name));
  const id = `${keyPrefix}|${points}|${seconds}`;
  let limiter = byName.get(id);
  if (!limiter) byName.set(id, (limiter = new RateLimiterRedis({ storeClient: client, keyPrefix, points, duration: seconds })));
  return limiter;
}
