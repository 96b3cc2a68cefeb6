import './env.js';
import { QueryTypes } from 'sequelize';
import { loadConfig, setConfig, config } from '../server/config.js';
import { closeDb, db, inTransaction } from '../server/db/index.js';
import { dropDatabase, ensureDatabase, migrate } from '../server/db/preflight.js';
import { closeRedis, redis } from '../server/redis.js';
import { closeQueues } from '../server/queues/queue.js';
import { createProject } from '../server/services/projects/createProject.js';
import { grantAuthorization } from '../server/services/projects/authorizations.js';
import { applyQuotaChanges } from '../server/services/quota/ledger.js';
import { createAdminUser } from '../server/services/identity/createAdminUser.js';
import { stopInvalidationListener } from '../server/services/cardKeys/invalidation.js';
import type { Actor } from '../server/policies/actor.js';

export async function openBenchDatabase(): Promise<void> {
  setConfig(loadConfig());
  await ensureDatabase(config().DATABASE_URL);
  await migrate(config().DATABASE_URL);
  db();
}

export async function closeBenchDatabase(): Promise<void> {
  stopInvalidationListener();
  await closeQueues();
  const client = redis();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${config().REDIS_PREFIX}:*`, 'COUNT', 1000);
    if (keys.length) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await closeRedis();
  await closeDb();
  if (!process.env.KEEP_BENCH_DATABASE) await dropDatabase(config().DATABASE_URL);
}

export interface BenchWorld {
  root: Actor;
  agent: Actor;
  projectId: number;
  appKey: string;
  appSecret: string;
  publicKeyPem: string;
}

export async function makeBenchWorld(quota = '100000000.00'): Promise<BenchWorld> {
  const rootUser = await createAdminUser({ username: 'bench_root', password: 'abcd1234', role: 'super_admin' });
  const root: Actor = { id: rootUser.id, role: 'super_admin', parentId: null };
  const agentUser = await createAdminUser({ username: 'bench_agent', password: 'abcd1234', role: 'agent' });
  const agent: Actor = { id: agentUser.id, role: 'agent', parentId: null };
  const { project, appSecret } = await createProject(
    { name: 'bench project', prices: [{ label: '30天', durationDays: 30, unitPrice: '0.01' }, { label: '永久', durationDays: null, unitPrice: '0.01' }] },
    root,
  );
  await grantAuthorization({ actor: root, projectId: project.id, agentId: agent.id });
  await inTransaction((t) => applyQuotaChanges([{ userId: agent.id, type: 'system_recharge', balanceDelta: quota }], t));
  return { root, agent, projectId: project.id, appKey: project.appKey, appSecret, publicKeyPem: project.signPublicKey };
}

export async function codesOfBatch(batchId: number): Promise<string[]> {
  const rows = await db().query<{ code: string }>('SELECT code FROM card_keys WHERE batch_id = :b ORDER BY id', { replacements: { b: batchId }, type: QueryTypes.SELECT });
  return rows.map((r) => r.code);
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);
