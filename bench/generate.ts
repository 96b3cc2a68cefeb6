/**
 * Generating 100,000 keys through the product (request → committed: authorization, price, quota
 * ledger, batch, keys) vs a raw server-side COPY of the same number of rows into card_keys.
 *   npx tsx bench/generate.ts          (BENCH_COUNT=100000)
 * Targets (docs/performance.md): ≤ 2× the raw COPY, and under 3 s on this machine.
 */
import './env.js';
import { writeFile, chmod, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { db } from '../server/db/index.js';
import { CardKeyBatch } from '../server/models/index.js';
import { generateCodes } from '../server/services/cardKeys/codes.js';
import { generateCardKeys } from '../server/services/cardKeys/generateCardKeys.js';
import { closeBenchDatabase, fmt, makeBenchWorld, openBenchDatabase } from './setup.js';

const COUNT = Number(process.env.BENCH_COUNT ?? 100_000);

async function main(): Promise<void> {
  await openBenchDatabase();
  const world = await makeBenchWorld();
  const file = path.join(os.tmpdir(), `seahorse-bench-copy-${process.pid}.csv`);
  try {
    // Warm-up: the first batch pays for cold caches and plan preparation on both sides.
    await generateCardKeys({ actor: world.agent, agentId: world.agent.id, projectId: world.projectId, validityLabel: '30天', count: 1000, synchronous: true });

    const copyBatch = await CardKeyBatch.create({
      projectId: world.projectId, agentId: world.agent.id, validityLabel: '30天', durationDays: 30, unitPrice: '0.01', count: COUNT, totalCost: '1000.00', status: 'completed', progress: 100,
    });
    const codes = generateCodes(COUNT);
    await writeFile(file, codes.map((c) => `${c},${copyBatch.id},${world.projectId},${world.agent.id},30`).join('\n'));
    await chmod(file, 0o644);
    const copyStart = performance.now();
    await db().query(`COPY card_keys (code, batch_id, project_id, agent_id, duration_days) FROM '${file}' WITH (FORMAT csv)`);
    const copyMs = performance.now() - copyStart;

    const genStart = performance.now();
    const { batch } = await generateCardKeys({ actor: world.agent, agentId: world.agent.id, projectId: world.projectId, validityLabel: '30天', count: COUNT, synchronous: true });
    const genMs = performance.now() - genStart;
    const [check] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM card_keys WHERE batch_id = :b', { replacements: { b: batch.id }, type: QueryTypes.SELECT });
    if (check!.n !== COUNT) throw new Error(`expected ${COUNT} keys, found ${check!.n}`);

    console.log(`\nGeneration benchmark — ${COUNT} keys`);
    console.log(`raw COPY of ${COUNT} rows into card_keys      ${fmt(copyMs, 0).padStart(7)} ms`);
    console.log(`generateCardKeys (request → committed)   ${fmt(genMs, 0).padStart(7)} ms`);
    console.log(`ratio: ${fmt(genMs / copyMs, 2)}× raw COPY (target ≤ 2.0); absolute ${fmt(genMs / 1000, 2)} s (target < 3 s)`);
  } finally {
    await rm(file, { force: true });
    await closeBenchDatabase();
  }
}

await main();
