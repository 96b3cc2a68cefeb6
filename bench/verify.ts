/**
 * Verification API throughput vs a baseline endpoint doing one indexed SELECT by primary key, both
 * served by the same server process (bench/server.ts), load from autocannon in this process.
 *   npx tsx bench/verify.ts            (BENCH_KEYS=10000 BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_CONNECTIONS=64)
 * The three loads run in interleaved rounds (order reversed every other round) so a change in machine
 * load hits all of them alike; the figures are medians over the rounds.
 * Targets (docs/performance.md): steady-state verify ≥ 1.0× baseline requests/s and p99 ≤ 2× baseline p99;
 * first activation ≥ 0.5× baseline requests/s.
 */
import './env.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { QueryTypes } from 'sequelize';
import { signRequest } from '../examples/client/cardKeyClient.js';
import { db } from '../server/db/index.js';
import { generateCardKeys } from '../server/services/cardKeys/generateCardKeys.js';
import { closeBenchDatabase, codesOfBatch, fmt, makeBenchWorld, openBenchDatabase } from './setup.js';

const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const VERIFY_PATH = '/open/v1/card-keys/verify';

interface Run {
  rps: number;
  p99: number;
  p50: number;
  non2xx: number;
  errors: number;
  total: number;
}

async function load(url: string, next: () => { path: string; method?: string; headers?: Record<string, string>; body?: string }, opts: { duration?: number; amount?: number }): Promise<Run> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? SECONDS }),
    requests: [{ setupRequest: (req) => ({ ...req, ...next() }) as autocannon.Request }],
  });
  return { rps: result.requests.average, p99: result.latency.p99, p50: result.latency.p50, non2xx: result.non2xx, errors: result.errors, total: result.requests.total };
}

function signer(appKey: string, appSecret: string) {
  return (code: string, deviceId: string) => {
    const body = JSON.stringify({ card_key: code, device_id: deviceId });
    const timestamp = String(Date.now());
    const nonce = randomBytes(12).toString('hex');
    const signature = signRequest(appSecret, 'POST', VERIFY_PATH, timestamp, nonce, body);
    return {
      method: 'POST',
      path: VERIFY_PATH,
      body,
      headers: { 'content-type': 'application/json', 'x-app-key': appKey, 'x-timestamp': timestamp, 'x-nonce': nonce, 'x-signature': signature },
    };
  };
}

async function main(): Promise<void> {
  await openBenchDatabase();
  const world = await makeBenchWorld();
  const agent = { actor: world.agent, agentId: world.agent.id, projectId: world.projectId, validityLabel: '30天', synchronous: true };
  const steady = await codesOfBatch((await generateCardKeys({ ...agent, count: KEYS })).batch.id);
  const fresh = await codesOfBatch((await generateCardKeys({ ...agent, count: KEYS * 6 })).batch.id);
  const ids = (await db().query<{ id: number }>('SELECT id FROM card_keys ORDER BY id', { type: QueryTypes.SELECT })).map((r) => r.id);

  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', fileURLToPath(new URL('./server.ts', import.meta.url))], {
    env: { ...process.env, BENCH_CHILD: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const { url } = JSON.parse(line.toString()) as { url: string };
    const sign = signer(world.appKey, world.appSecret);
    const device = (code: string) => `device-${code}`;

    // Bind every steady-state key once (this also warms the server's key-state cache).
    let i = 0;
    const bind = await load(url, () => sign(steady[i++ % steady.length]!, device(steady[(i - 1) % steady.length]!)), { amount: steady.length });
    if (bind.non2xx) throw new Error(`binding run had ${bind.non2xx} non-2xx answers`);
    // Warm both paths equally before measuring.
    let b = 0;
    await load(url, () => ({ path: `/bench/baseline/${ids[b++ % ids.length]}` }), { duration: 3 });
    let s = 0;
    await load(url, () => { const c = steady[s++ % steady.length]!; return sign(c, device(c)); }, { duration: 3 });

    type Kind = 'baseline' | 'verify' | 'first';
    const runs: Record<Kind, Run[]> = { baseline: [], verify: [], first: [] };
    let f = 0;
    const next: Record<Kind, () => ReturnType<typeof sign> | { path: string }> = {
      baseline: () => ({ path: `/bench/baseline/${ids[b++ % ids.length]}` }),
      verify: () => { const c = steady[s++ % steady.length]!; return sign(c, device(c)); },
      // Every request a key never verified before: running out would turn it into steady-state verification.
      first: () => { if (f >= fresh.length) throw new Error('ran out of fresh keys: raise BENCH_KEYS'); const c = fresh[f++]!; return sign(c, device(c)); },
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Kind[] = round % 2 === 0 ? ['baseline', 'verify', 'first'] : ['first', 'verify', 'baseline'];
      for (const kind of order) runs[kind].push(await load(url, next[kind], {}));
    }
    for (const kind of ['baseline', 'verify', 'first'] as Kind[]) console.log(`${kind} rounds: ${runs[kind].map((r) => fmt(r.rps, 0)).join(', ')} req/s`);
    const median = (list: Run[], pick: (r: Run) => number) => { const v = list.map(pick).sort((x, y) => x - y); return v[Math.floor(v.length / 2)]!; };
    const summary = (list: Run[]): Run => ({
      rps: median(list, (r) => r.rps),
      p50: median(list, (r) => r.p50),
      p99: median(list, (r) => r.p99),
      non2xx: list.reduce((n, r) => n + r.non2xx, 0),
      errors: list.reduce((n, r) => n + r.errors, 0),
      total: list.reduce((n, r) => n + r.total, 0),
    });
    const baseline = summary(runs.baseline);
    const verify = summary(runs.verify);
    const firstActivation = summary(runs.first);
    const activated = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM card_keys WHERE status = 'active'`, { type: QueryTypes.SELECT });

    console.log(`\nVerification API benchmark — ${KEYS} bound keys, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS}s per load (medians), same server process; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const row = (name: string, r: Run) => console.log(`${name.padEnd(34)} ${fmt(r.rps, 0).padStart(8)} req/s   p50 ${fmt(r.p50).padStart(6)} ms   p99 ${fmt(r.p99).padStart(6)} ms   non-2xx ${r.non2xx}  errors ${r.errors}`);
    row('baseline (SELECT by primary key)', baseline);
    row('verify, bound key (steady state)', verify);
    row('verify, first activation', firstActivation);
    console.log(`steady-state: ${fmt(verify.rps / baseline.rps, 2)}× baseline req/s (target ≥ 1.0), p99 ${fmt(verify.p99 / baseline.p99, 2)}× baseline p99 (target ≤ 2.0)`);
    console.log(`first activation: ${fmt(firstActivation.rps / baseline.rps, 2)}× baseline req/s (target ≥ 0.5); ${activated[0]!.n - steady.length} keys activated in the run`);
  } finally {
    child.kill('SIGTERM');
    await closeBenchDatabase();
  }
}

await main();
