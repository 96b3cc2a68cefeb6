import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, setConfig } from '../../server/config.js';
import { closeDb, db } from '../../server/db/index.js';
import { dropDatabase, ensureDatabase, migrate } from '../../server/db/preflight.js';
import { closeRedis, redis } from '../../server/redis.js';
import { ensureDefaultSettings } from '../../server/services/systemConfig/systemConfig.js';
import { closeQueues } from '../../server/queues/queue.js';

/**
 * One run = one fresh database and one Redis key prefix, created here and removed at the end,
 * so a run never depends on what an earlier run left behind.
 */
const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const baseUrl = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const TEST_DATABASE_URL = `${baseUrl}/seahorse_test_${runId}`;

Object.assign(process.env, {
  NODE_ENV: 'test',
  DATABASE_URL: TEST_DATABASE_URL,
  REDIS_PREFIX: `seahorse_test_${runId}`,
  BCRYPT_ROUNDS: '4',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  PUBLIC_URL: 'http://localhost:3000',
  RUN_WORKER: 'false',
  // The tests' callback receivers listen on this machine: they opt in, as a deployment would.
  CALLBACK_ALLOWED_HOSTS: '127.0.0.1:*',
  UPLOAD_DIR: path.join(tmpdir(), `seahorse_uploads_${runId}`),
});
delete process.env.SMTP_URL;

export async function mochaGlobalSetup(): Promise<void> {
  setConfig(loadConfig());
  await ensureDatabase(TEST_DATABASE_URL);
  await migrate(TEST_DATABASE_URL);
  db(); // initialises the models
  await ensureDefaultSettings(); // as `npm start` does: every setting is a row
}

export async function mochaGlobalTeardown(): Promise<void> {
  await closeQueues();
  const client = redis();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${process.env.REDIS_PREFIX}:*`, 'COUNT', 1000);
    if (keys.length) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await closeRedis();
  await closeDb();
  if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(TEST_DATABASE_URL);
  rmSync(process.env.UPLOAD_DIR!, { recursive: true, force: true });
}
