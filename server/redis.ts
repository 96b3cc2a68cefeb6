import { Redis, type RedisOptions } from 'ioredis';
import { config } from './config.js';
import { logger } from './logger.js';

let lastWarned = 0;
/** Connection errors (Redis down) are logged, at most every 10 s, instead of ioredis's unhandled-error noise. */
function quietErrors(client: Redis): Redis {
  return client.on('error', (err: Error) => {
    if (Date.now() - lastWarned < 10_000) return;
    lastWarned = Date.now();
    logger().warn({ err: err.message }, 'Redis connection error; reconnecting');
  });
}

let shared: Redis | undefined;
const extra: Redis[] = [];

/** Prefix for every key Seahorse writes, so several deployments (and test runs) can share one Redis. */
export function redisKey(...parts: Array<string | number>): string {
  return [config().REDIS_PREFIX, ...parts].join(':');
}

/** A new connection (Bull and pub/sub subscribers need their own). Closed by closeRedis(). */
export function createRedis(options: RedisOptions = {}): Redis {
  const client = quietErrors(new Redis(config().REDIS_URL, { lazyConnect: false, ...options }));
  extra.push(client);
  return client;
}

/** The process-wide command connection. */
export function redis(): Redis {
  shared ??= quietErrors(new Redis(config().REDIS_URL, { maxRetriesPerRequest: 3 }));
  return shared;
}

export async function closeRedis(): Promise<void> {
  const all = [shared, ...extra.splice(0)].filter((c): c is Redis => Boolean(c));
  shared = undefined;
  await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
}
