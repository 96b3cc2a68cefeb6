/**
 * Backup and restore against the plain PostgreSQL tools, same database, same run:
 *   backup  = pg_dump -Fc → encryption → SHA-256 → file (no verify step)  vs  pg_dump -Fc > /dev/null
 *   restore = restoreBackup (checksum + authentication pass + decrypting pg_restore + reconciliation)
 *             vs  pg_restore of the unencrypted dump into an empty database
 *   npx tsx bench/backup.ts        (BENCH_KEYS=1000000 BENCH_VERIFICATIONS=5000000)
 * Targets (issue 14): both ratios ≤ 1.3.
 */
import './env.js';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { config, loadConfig, setConfig } from '../server/config.js';
import { db } from '../server/db/index.js';
import { Backup } from '../server/models/index.js';
import { createBackup, writeEncryptedDump } from '../server/services/backups/createBackup.js';
import { libpqConnection, pgBinary, withDatabase } from '../server/services/backups/pgTools.js';
import { restoreBackup } from '../server/services/backups/restoreBackup.js';
import { generateCardKeys } from '../server/services/cardKeys/generateCardKeys.js';
import { closeBenchDatabase, fmt, makeBenchWorld, openBenchDatabase } from './setup.js';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const VERIFICATIONS = Number(process.env.BENCH_VERIFICATIONS ?? 5_000_000);

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, stdout: 'ignore' | 'inherit' = 'ignore'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', stdout, 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited ${code}`))));
  });
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(config().DATABASE_URL, 'postgres') });
  await client.connect();
  await client.query(sql);
  await client.end();
}

async function timed(label: string, work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${fmt(seconds, 2)} s`);
  return seconds;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seahorse-bench-backup-'));
  process.env.BACKUP_DIR = dir;
  await openBenchDatabase();
  setConfig(loadConfig());
  const world = await makeBenchWorld();
  const { batch } = await generateCardKeys({ actor: world.agent, agentId: world.agent.id, projectId: world.projectId, validityLabel: '30天', count: 1, synchronous: true });
  const seeded = performance.now();
  await db().query(
    `INSERT INTO card_keys (code, batch_id, project_id, agent_id, status, duration_days, device_id, activated_at, expires_at)
     SELECT upper(substr(h, 1, 4) || '-' || substr(h, 5, 4) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4)), :batch, :project, :agent,
            CASE WHEN g % 5 = 0 THEN 'active' ELSE 'unused' END, 30,
            CASE WHEN g % 5 = 0 THEN 'device-' || g END, CASE WHEN g % 5 = 0 THEN now() END, CASE WHEN g % 5 = 0 THEN now() + interval '30 days' END
       FROM (SELECT g, lpad(to_hex(g), 16, '0') AS h FROM generate_series(1, :n) g) s`,
    { replacements: { batch: batch.id, project: world.projectId, agent: world.agent.id, n: KEYS } },
  );
  await db().query(
    `INSERT INTO card_key_verifications (card_key_id, project_id, agent_id, code, device_id, ip, result, created_at)
     SELECT NULL, :project, :agent, 'KEY-' || (g % :keys), 'device-' || (g % 997), '10.0.' || (g % 250) || '.' || (g % 200), 'ok', now() - (g || ' seconds')::interval
       FROM generate_series(1, :n) g`,
    { replacements: { project: world.projectId, agent: world.agent.id, keys: KEYS, n: VERIFICATIONS } },
  );
  await db().query('VACUUM ANALYZE');
  console.log(`seeded ${KEYS} card keys and ${VERIFICATIONS} verification rows in ${fmt((performance.now() - seeded) / 1000)} s`);

  const url = config().DATABASE_URL;
  const dumpBin = await pgBinary(url, 'pg_dump');
  const restoreBin = await pgBinary(url, 'pg_restore');
  const { args, env } = libpqConnection(url);
  const plain = path.join(dir, 'plain.dump');
  try {
    // Alternate the two sides so neither always runs on a warmer cache.
    const dumpBase: number[] = [];
    const dumpOurs: number[] = [];
    for (let round = 0; round < 2; round++) {
      dumpBase.push(await timed('pg_dump -Fc > /dev/null', () => run(dumpBin, ['--format=custom', ...args], env)));
      dumpOurs.push(await timed('backup (dump + encrypt + sha256 → file)', () => writeEncryptedDump(path.join(dir, `ours-${round}.enc`))));
    }
    const encSize = (await stat(path.join(dir, 'ours-0.enc'))).size;

    const backup = await createBackup({ kind: 'manual' });
    if (backup.status !== 'verified') throw new Error(`bench backup failed: ${backup.error}`);
    await run(dumpBin, ['--format=custom', '--file', plain, ...args], env);
    const plainSize = (await stat(plain)).size;

    const target = `${path.basename(new URL(url).pathname)}_r`;
    const restoreBase: number[] = [];
    const restoreOurs: number[] = [];
    for (let round = 0; round < 1; round++) {
      await admin(`DROP DATABASE IF EXISTS ${target}_plain WITH (FORCE)`);
      await admin(`CREATE DATABASE ${target}_plain`);
      const to = libpqConnection(url, `${target}_plain`);
      restoreBase.push(await timed('pg_restore of the unencrypted dump', () => run(restoreBin, ['--no-owner', '--exit-on-error', ...to.args, plain], to.env)));
      await admin(`DROP DATABASE IF EXISTS ${target}_plain WITH (FORCE)`);
      restoreOurs.push(await timed('restore (checksum + authenticate + decrypt | pg_restore + reconciliation)', () => restoreBackup({ backupId: backup.id, targetDatabase: target, replace: true })));
      await admin(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
    }
    const best = (xs: number[]) => Math.min(...xs);
    console.log(`dump sizes: plain ${fmt(plainSize / 1e6)} MB, encrypted ${fmt(encSize / 1e6)} MB`);
    console.log(`backup ratio  ${fmt(best(dumpOurs) / best(dumpBase), 2)}  (${fmt(best(dumpOurs), 2)} s vs ${fmt(best(dumpBase), 2)} s; target ≤ 1.3)`);
    console.log(`restore ratio ${fmt(best(restoreOurs) / best(restoreBase), 2)}  (${fmt(best(restoreOurs), 2)} s vs ${fmt(best(restoreBase), 2)} s; target ≤ 1.3)`);
    await Backup.destroy({ where: {} });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await closeBenchDatabase();
  }
}

await main();
