import { db } from '../../server/db/index.js';
import { redis, redisKey } from '../../server/redis.js';

/**
 * Redis state keyed by row ids or held for rows (counters, pauses, caches): after a truncate the ids
 * restart, so what an earlier file left under an id would land on a new row of the same id.
 */
const ROW_KEYED = ['sensitive-ops', 'card-key-ips', 'card-keys', 'apikeys', 'orders', 'login-unknown', 'stats-export'];

/**
 * Empties every application table (not the migration bookkeeping), for suites that need a clean
 * slate, and the Redis state that belonged to those rows.
 */
export async function truncateAll(): Promise<void> {
  const [rows] = await db().query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('sequelize_meta', 'sequelize_data')`,
  );
  const tables = (rows as Array<{ tablename: string }>).map((r) => `"${r.tablename}"`).join(', ');
  if (tables) await db().query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
  const client = redis();
  for (const area of ROW_KEYED) {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${redisKey(area)}:*`, 'COUNT', 1000);
      if (keys.length) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}
