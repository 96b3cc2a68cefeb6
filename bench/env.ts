/**
 * Benchmarks run against their own fresh database and Redis prefix (created here, dropped at the
 * end), never against a real deployment's data. Import this module first.
 */
import { randomBytes } from 'node:crypto';

const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const baseUrl = process.env.BENCH_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
if (!process.env.BENCH_CHILD) {
  Object.assign(process.env, {
    NODE_ENV: 'development',
    DATABASE_URL: `${baseUrl}/seahorse_bench_${runId}`,
    REDIS_PREFIX: `seahorse_bench_${runId}`,
    LOG_LEVEL: 'silent',
    DATABASE_POOL_MAX: '20',
    OPEN_RATE_APP_PER_MINUTE: '100000000',
    OPEN_RATE_IP_PER_MINUTE: '100000000',
    BCRYPT_ROUNDS: '4',
  });
}
