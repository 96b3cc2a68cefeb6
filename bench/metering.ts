/**
 * Metering benchmark (not part of `npm test`): `npx tsx bench/metering.ts [seconds per phase]` (BENCH_ROUNDS=3).
 *
 * Starts the real app in a child process against a fresh database, then drives it with autocannon,
 * 64 connections:
 *   1. baseline — GET /bench/baseline: one indexed SELECT by primary key (meta_user), same stack
 *      (express, pino-http, sequelize pool, envelope);
 *   2. charge   — POST /open/v1/metering/charge with points available, a fresh requestId per call;
 *   3. oversell — the same charge against a user whose points cover exactly N calls, until refused.
 * Prints requests/s and p99 of each, the ratios (goal: charge ≥ 0.7× baseline req/s, p99 ≤ 3×),
 * and verifies the books: points spent = consume records × price, no drift, exactly N allowed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

// The server child inherits the parent's run id (and so its database and Redis prefix).
const runId = (process.env.BENCH_RUN_ID ??= `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`);
const DATABASE_URL = `${process.env.BENCH_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432'}/seahorse_bench_${runId}`;
Object.assign(process.env, {
  NODE_ENV: 'test',
  DATABASE_URL,
  REDIS_PREFIX: `seahorse_bench_${runId}`,
  LOG_LEVEL: 'silent',
  RUN_WORKER: 'false',
  BCRYPT_ROUNDS: '4',
});

const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 64;
const PRICE = 2;
const LIMITED_CALLS = 1000;
const SPREAD_USERS = 64;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Fixture {
  url: string;
  baselineUserId: string;
  authorization: string;
  richKey: string;
  spreadKeys: string[];
  limitedKey: string;
  limitedUserId: string;
  richUserId: string;
  apiName: string;
}

async function serve(): Promise<void> {
  const { createApp } = await import('../server/app.js');
  const { db } = await import('../server/db/index.js');
  const { ok, handle } = await import('../server/http/envelope.js');
  const { QueryTypes } = await import('sequelize');
  const app = await createApp({
    mountAdmin: async (a) => {
      a.get(
        '/bench/baseline',
        handle(async (req, res) => {
          const [user] = await db().query('SELECT id, status, total_points FROM meta_user WHERE id = :id', {
            replacements: { id: String(req.query.id) },
            type: QueryTypes.SELECT,
          });
          ok(res, user);
        }),
      );
    },
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
  });
}

async function setup(): Promise<Omit<Fixture, 'url'>> {
  const { loadConfig, setConfig } = await import('../server/config.js');
  const { ensureDatabase, migrate } = await import('../server/db/preflight.js');
  setConfig(loadConfig());
  await ensureDatabase(DATABASE_URL);
  await migrate(DATABASE_URL);
  const { db } = await import('../server/db/index.js');
  db(); // initialises the models
  const { ApiCatalogEntry } = await import('../server/models/index.js');
  const { newMiniUser } = await import('../test/support/apiKeys.js');
  const { createApiKey } = await import('../server/services/apiKeys/createApiKey.js');
  const { registerMeteringService } = await import('../server/services/metering/meteringServices.js');
  const { createAdminUser } = await import('../server/services/identity/createAdminUser.js');

  const admin = await createAdminUser({ username: 'bench_root', password: 'Bench-secret-pass-1!', role: 'super_admin' });
  const service = await registerMeteringService({ id: admin.id, role: 'super_admin', parentId: null }, { name: 'bench' });
  const api = await ApiCatalogEntry.create({ name: 'bench.ocr', path: '/v1/ocr', pointsPerCall: PRICE, status: 1 });
  const richUserId = await newMiniUser(100_000_000, 4);
  const limitedUserId = await newMiniUser(LIMITED_CALLS * PRICE, 2);
  const spreadKeys: string[] = [];
  for (let i = 0; i < SPREAD_USERS; i++) {
    const id = await newMiniUser(1_000_000, 2);
    spreadKeys.push((await createApiKey({ userId: id }, { name: 'bench', validityMonths: 12 })).key);
  }
  const richKey = (await createApiKey({ userId: richUserId }, { name: 'bench', validityMonths: 12 })).key;
  const limitedKey = (await createApiKey({ userId: limitedUserId }, { name: 'bench', validityMonths: 12 })).key;
  return {
    baselineUserId: richUserId,
    authorization: `Basic ${Buffer.from(`${service.clientId}:${service.secret}`).toString('base64')}`,
    richKey,
    spreadKeys,
    limitedKey,
    richUserId,
    limitedUserId,
    apiName: api.name,
  };
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, pipelining: 1, ...opts }, (err: Error | null, result: autocannon.Result) => (err ? reject(err) : resolve(result)));
  });
}

let requestCounter = 0;
function chargeRequests(f: Fixture, keys: string | string[]): autocannon.Request[] {
  const pick = () => (typeof keys === 'string' ? keys : keys[requestCounter % keys.length]!);
  return [
    {
      method: 'POST' as const,
      path: '/open/v1/metering/charge',
      headers: { 'content-type': 'application/json', authorization: f.authorization },
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({ apiKey: pick(), apiName: f.apiName, callerIp: '203.0.113.7', requestId: `b-${runId}-${requestCounter++}` }),
      }),
    },
  ];
}

const line = (name: string, r: autocannon.Result) =>
  `${name.padEnd(11)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx ${r.non2xx}  errors ${r.errors}`;

async function main(): Promise<void> {
  const fixture = await setup();
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])], env: { ...process.env, LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'error' } });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const f: Fixture = { ...fixture, url: `http://127.0.0.1:${port}` };
  const { db, closeDb } = await import('../server/db/index.js');
  const { closeRedis } = await import('../server/redis.js');
  const { findPointsDrift } = await import('../server/services/points/index.js');
  const { QueryTypes } = await import('sequelize');
  const { dropDatabase } = await import('../server/db/preflight.js');
  try {
    for (const probe of [
      fetch(`${f.url}/bench/baseline?id=${f.baselineUserId}`),
      fetch(`${f.url}/open/v1/metering/charge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: f.authorization },
        body: JSON.stringify({ apiKey: f.richKey, apiName: f.apiName, callerIp: '203.0.113.7' }),
      }),
    ]) {
      const res = await probe;
      if (res.status !== 200) throw new Error(`probe failed: ${res.status} ${await res.text()}`);
    }
    // Warm-up: JIT, pools and caches, so neither measurement pays for start-up.
    await run({ url: `${f.url}/bench/baseline?id=${f.baselineUserId}`, duration: 2 });
    await run({ url: f.url, duration: 2, requests: chargeRequests(f, f.spreadKeys) });

    // Rounds of short, interleaved phases: on a shared machine the load changes over time, and
    // interleaving exposes every phase to it alike; the ratios use each phase's median round.
    const rounds: Array<Record<'baseline' | 'spread' | 'single', autocannon.Result>> = [];
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push({
        baseline: await run({ url: `${f.url}/bench/baseline?id=${f.baselineUserId}`, duration: seconds }),
        spread: await run({ url: f.url, duration: seconds, requests: chargeRequests(f, f.spreadKeys) }),
        single: await run({ url: f.url, duration: seconds, requests: chargeRequests(f, f.richKey) }),
      });
    }
    // Every request of this phase is answered: exactly LIMITED_CALLS allow, the rest deny.
    const oversell = await run({ url: f.url, amount: LIMITED_CALLS + 500, requests: chargeRequests(f, f.limitedKey) });

    const median = (phase: 'baseline' | 'spread' | 'single', pick: (r: autocannon.Result) => number) => {
      const values = rounds.map((r) => pick(r[phase])).sort((a, b) => a - b);
      return values[Math.floor(values.length / 2)]!;
    };
    console.log(`\nmetering benchmark: ${CONNECTIONS} connections, ${ROUNDS} rounds × ${seconds}s per phase, server in a child process`);
    console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine skews absolute figures)`);
    rounds.forEach((r, i) => {
      console.log(`round ${i + 1}`);
      console.log(line('  baseline', r.baseline));
      console.log(line('  charge-64u', r.spread));
      console.log(line('  charge-1u', r.single));
    });
    console.log(line('oversell', oversell));
    const rps = (r: autocannon.Result) => r.requests.average;
    const p99 = (r: autocannon.Result) => r.latency.p99;
    console.log(`median baseline: ${median('baseline', rps).toFixed(0)} req/s, p99 ${median('baseline', p99)} ms`);
    for (const [name, phase] of [['64 users', 'spread'], ['1 user', 'single']] as const) {
      const rpsRatio = median(phase, rps) / median('baseline', rps);
      const p99Ratio = median(phase, p99) / Math.max(median('baseline', p99), 1);
      console.log(
        `charge (${name}): ${median(phase, rps).toFixed(0)} req/s, p99 ${median(phase, p99)} ms → req/s ratio ${rpsRatio.toFixed(2)} (goal ≥ 0.70), p99 ratio ${p99Ratio.toFixed(2)} (goal ≤ 3.00)`,
      );
    }
    const charged = rounds.reduce((sum, r) => sum + r.single.requests.total, 0);

    const [after] = await db().query<{ total_points: number }>('SELECT total_points FROM meta_user WHERE id = :id', {
      replacements: { id: f.richUserId },
      type: QueryTypes.SELECT,
    });
    const [records] = await db().query<{ n: number; spent: number }>(
      `SELECT count(*)::int AS n, COALESCE(-sum(points_change), 0)::int AS spent FROM purchase_record WHERE user_id = :id AND operation_type = 2`,
      { replacements: { id: f.richUserId }, type: QueryTypes.SELECT },
    );
    const [limited] = await db().query<{ total_points: number; n: number; lots_left: number }>(
      `SELECT u.total_points,
              (SELECT count(*)::int FROM purchase_record p WHERE p.user_id = u.id AND p.operation_type = 2) AS n,
              (SELECT COALESCE(sum(remaining), 0)::int FROM points_lots l WHERE l.user_id = u.id) AS lots_left
         FROM meta_user u WHERE u.id = :id`,
      { replacements: { id: f.limitedUserId }, type: QueryTypes.SELECT },
    );
    const drift = await findPointsDrift();
    const problems: string[] = [];
    if (records!.spent !== records!.n * PRICE) problems.push(`rich user: ${records!.n} records but ${records!.spent} points spent`);
    if (100_000_000 - after!.total_points !== records!.spent) problems.push('rich user: balance does not match the records');
    if (limited!.n !== LIMITED_CALLS || limited!.total_points !== 0 || limited!.lots_left !== 0)
      problems.push(`limited user: ${limited!.n} allowed of ${LIMITED_CALLS}, balance ${limited!.total_points}, lots ${limited!.lots_left}`);
    if (drift.length) problems.push(`points drift: ${JSON.stringify(drift)}`);
    console.log(
      `single-user key: ${records!.n} calls charged (${charged} answered in measured rounds); limited user: exactly ${limited!.n}/${LIMITED_CALLS} allowed, balance ${limited!.total_points}`,
    );
    console.log(problems.length ? `OVERSELL/INCONSISTENCY: ${problems.join('; ')}` : 'zero oversell: books consistent');
    process.exitCode = problems.length ? 1 : 0;
  } finally {
    child.kill();
    await closeRedis();
    await closeDb();
    await dropDatabase(DATABASE_URL);
  }
}

if (process.argv.includes('--serve')) {
  const { loadConfig, setConfig } = await import('../server/config.js');
  setConfig(loadConfig());
  // Exit normally on the parent's kill, so a --cpu-prof (BENCH_SERVER_NODE_ARGS) is written.
  process.once('SIGTERM', () => process.exit(0));
  await serve();
} else {
  await main();
}
