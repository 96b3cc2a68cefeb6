import type pg from 'pg';
import { authorize } from '../../policies/index.js';
import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import { db, inTransaction } from '../../db/index.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { msg, optionalText, parseInput, requiredText, type RawInput } from '../../lib/input.js';
import { logger } from '../../logger.js';
import { AdminUser, CardKeyBatch, Project, ProjectPrice } from '../../models/index.js';
import { assertCanManageUser, isAgent, type Actor } from '../../policies/actor.js';
import { defineJob } from '../../queues/defineJob.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/index.js';
import { multiply, negate } from '../quota/amount.js';
import { applyQuotaChanges } from '../quota/ledger.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { assertAuthorized } from '../projects/authorizations.js';
import { generateCodes } from './codes.js';

const positiveId = (message: string) => z.coerce.number({ error: message }).int({ error: message }).positive({ error: message });

/** 生成卡密: what the admin form, the CLI and tests send; `max` is the setting card_key.max_batch_count. */
export const generateCardKeysSchema = (max: number) => {
  const countError = msg(`生成数量必须是 1 到 ${max} 之间的整数`, `The count must be a whole number from 1 to ${max}`);
  return z.object({
    /** The agent the keys are for; an agent always generates for themself (left empty). */
    agentId: z.preprocess((v) => (v === '' || v == null ? undefined : v), positiveId(msg('请选择代理', 'Please choose an agent')).optional()),
    projectId: positiveId(msg('请选择项目', 'Please choose a project')),
    validityLabel: requiredText(say('有效期', 'a validity'), 64),
    count: z.preprocess(
      (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
      z.number({ error: countError }).int({ error: countError }).min(1, { error: countError }).max(max, { error: countError }),
    ),
    memo: optionalText(say('备注', 'The memo'), 500),
  });
};

export type GenerateCardKeysInput = RawInput<ReturnType<typeof generateCardKeysSchema>> & {
  actor: Actor;
  ip?: string | null;
  /** Create every key in this call whatever the count (the CLI, which has no worker to wait for). */
  synchronous?: boolean;
};

export interface GenerateCardKeysResult {
  batch: CardKeyBatch;
  /** True when the keys are being created by the worker (batch status 'generating'). */
  async: boolean;
}

const CHUNK = 20_000;

const pgClient = (t: Transaction) => (t as unknown as { connection: pg.ClientBase }).connection;

/**
 * Inserts `count` fresh keys of `batch` in the caller's transaction. A code that already exists is
 * skipped by ON CONFLICT and replaced by a new one in the next round, so a collision never fails the batch.
 */
export async function insertBatchKeys(
  batch: Pick<CardKeyBatch, 'id' | 'projectId' | 'agentId' | 'durationDays' | 'count'>,
  t: Transaction,
  onChunk?: (inserted: number) => Promise<void>,
): Promise<void> {
  const client = pgClient(t);
  let inserted = 0;
  for (let round = 0; inserted < batch.count; round++) {
    if (round > batch.count / CHUNK + 20) throw new Error(`could not find free codes for batch ${batch.id}`);
    const codes = generateCodes(Math.min(CHUNK, batch.count - inserted));
    const result = await client.query(
      `INSERT INTO card_keys (code, batch_id, project_id, agent_id, duration_days)
       SELECT c, $2, $3, $4, $5 FROM unnest($1::text[]) AS c
       ON CONFLICT (code) DO NOTHING`,
      [codes, batch.id, batch.projectId, batch.agentId, batch.durationDays],
    );
    inserted += result.rowCount ?? 0;
    if (onChunk) await onChunk(inserted);
  }
}

/**
 * Spends the agent's quota on a batch of keys. Small batches: the ledger row, the batch and every key
 * commit together. Batches above `card_key.async_batch_threshold`: the quota is taken and the batch
 * recorded as 'generating' in one transaction, then the worker creates all keys in ONE transaction
 * (so a batch is never half-filled) and marks it completed; if the job finally fails, the batch is
 * marked failed and its whole cost refunded through the ledger (see failAsyncBatch).
 */
export async function generateCardKeys(input: GenerateCardKeysInput): Promise<GenerateCardKeysResult> {
  authorize(input.actor, 'generate', 'card_keys');
  const max = await getSetting('card_key.max_batch_count');
  const { projectId, validityLabel, count, memo, ...parsed } = parseInput(generateCardKeysSchema(max), input, { reason: 'INVALID_COUNT', code: 3020 }, {
    validityLabel: { reason: 'INVALID_VALIDITY', code: 3021 },
    agentId: { reason: 'AGENT_REQUIRED', code: 3022 },
  });
  const agentId = parsed.agentId ?? (isAgent(input.actor) ? input.actor.id : undefined);
  if (!agentId) throw badRequest(say('请选择代理', 'Please choose an agent'), 'AGENT_REQUIRED', 3022);
  const isAsync = !input.synchronous && count > (await getSetting('card_key.async_batch_threshold'));

  const batch = await inTransaction(async (t) => {
    const agent = await AdminUser.findByPk(agentId, { transaction: t });
    if (!agent || agent.role !== 'agent') throw notFound('代理不存在', 'AGENT_NOT_FOUND', 2404);
    if (isAgent(input.actor)) {
      if (input.actor.id !== agent.id) throw forbidden('只能为自己生成卡密', 'NOT_YOUR_USER', 2403);
    } else assertCanManageUser(input.actor, agent);
    if (agent.status !== 'active') throw forbidden('该代理账号不可用', 'AGENT_INACTIVE', 2410);
    const project = await Project.findByPk(projectId, { transaction: t });
    if (!project) throw notFound('项目不存在', 'PROJECT_NOT_FOUND', 3404);
    if (project.status !== 'active') throw conflict('该项目已停用', 'PROJECT_DISABLED', 3410);
    await assertAuthorized(agent.id, project.id, t);
    const price = await ProjectPrice.findOne({ where: { projectId: project.id, label: validityLabel }, transaction: t });
    if (!price) throw badRequest(`项目没有「${validityLabel}」这个有效期`, 'INVALID_VALIDITY', 3021);
    const totalCost = multiply(price.unitPrice, count);

    const batch = await CardKeyBatch.create(
      {
        projectId: project.id,
        agentId: agent.id,
        createdBy: input.actor.id,
        validityLabel,
        durationDays: price.durationDays,
        unitPrice: price.unitPrice,
        count,
        totalCost,
        status: isAsync ? 'generating' : 'completed',
        progress: isAsync ? 0 : 100,
        memo,
      },
      { transaction: t },
    );
    await applyQuotaChanges(
      [
        {
          userId: agent.id,
          type: 'card_key_generation',
          balanceDelta: negate(totalCost),
          reference: { type: 'card_key_batch', id: batch.id },
          actorId: input.actor.id,
          memo: `${project.name} ${validityLabel} × ${count}`,
        },
      ],
      t,
    );
    if (!isAsync) await insertBatchKeys(batch, t);
    await recordOperation(
      {
        actor: input.actor,
        ownerId: agent.id,
        action: 'generate',
        resource: 'card_key_batches',
        recordId: batch.id,
        after: { projectId: project.id, validityLabel, count, unitPrice: price.unitPrice, totalCost, async: isAsync },
        ip: input.ip,
      },
      t,
    );
    return batch;
  });
  if (isAsync) await enqueueBatch(batch.id);
  return { batch, async: isAsync };
}

/** One job per batch: queueing a batch whose job still exists adds nothing. */
async function enqueueBatch(batchId: number): Promise<void> {
  await generateBatchJob.enqueue({ batchId }, { jobId: `generate-${batchId}` });
}

/** Worker side of an async batch: every key and the 'completed' mark commit together; progress is written outside. */
export async function completeAsyncBatch(batchId: number): Promise<'completed' | 'skipped'> {
  return inTransaction(async (t) => {
    const batch = await CardKeyBatch.findByPk(batchId, { transaction: t });
    if (!batch || batch.status !== 'generating') return 'skipped';
    await insertBatchKeys(batch, t, async (inserted) => {
      const progress = Math.min(99, Math.floor((inserted / batch.count) * 100));
      await db().query('UPDATE card_key_batches SET progress = :progress WHERE id = :id', { replacements: { progress, id: batchId } });
    });
    const [rows] = await db().query(
      `UPDATE card_key_batches SET status = 'completed', progress = 100, error = NULL, updated_at = now()
        WHERE id = :id AND status = 'generating' RETURNING id`,
      { replacements: { id: batchId }, transaction: t },
    );
    if ((rows as unknown[]).length !== 1) throw new Error(`batch ${batchId} changed while generating`);
    return 'completed';
  });
}

/** Final failure of an async batch: marked failed and its whole cost refunded, once. */
export async function failAsyncBatch(batchId: number, reason: string): Promise<boolean> {
  const refunded = await inTransaction(async (t) => {
    const rows = await db().query<{ agent_id: number; total_cost: string; count: number }>(
      `UPDATE card_key_batches SET status = 'failed', error = :reason, updated_at = now()
        WHERE id = :id AND status = 'generating' RETURNING agent_id, total_cost, count`,
      { replacements: { id: batchId, reason: reason.slice(0, 2000) }, type: QueryTypes.SELECT, transaction: t },
    );
    const row = rows[0];
    if (!row) return false;
    await applyQuotaChanges(
      [{ userId: row.agent_id, type: 'card_key_refund', balanceDelta: row.total_cost, reference: { type: 'card_key_batch', id: batchId }, memo: '批次生成失败，全额退回' }],
      t,
    );
    await notifyUsers(
      { userIds: [row.agent_id], event: 'card_key.batch_failed', link: { resource: 'card_key_batches', id: batchId }, title: say(`卡密批次 #${batchId} 生成失败`, `Card key batch #${batchId} failed`), body: say(`批次 #${batchId}（${row.count} 张）生成失败，已全额退回 ${row.total_cost} 额度。`, `Batch #${batchId} (${row.count} keys) failed to generate; all ${row.total_cost} quota was refunded.`), sendEmail: false },
      t,
    );
    return true;
  });
  if (refunded) logger().warn({ batchId, reason }, 'card-key batch failed and refunded');
  return refunded;
}

/** Async batches whose job vanished (e.g. Redis lost it) are queued again; jobId dedups live ones. */
export async function resumeStuckBatches(olderThanMinutes = 10): Promise<number> {
  const rows = await db().query<{ id: number }>(
    `SELECT id FROM card_key_batches WHERE status = 'generating' AND created_at < now() - make_interval(mins => :m)`,
    { replacements: { m: olderThanMinutes }, type: QueryTypes.SELECT },
  );
  for (const r of rows) await enqueueBatch(r.id);
  return rows.length;
}

export const generateBatchJob = defineJob({
  name: 'card-keys.generate',
  queue: 'card-keys',
  description: 'Create all keys of a large (already paid) batch in one transaction; refund the batch if it finally fails',
  data: z.object({ batchId: z.number().int().positive() }),
  // The last failed try refunds the batch.
  options: { attempts: 3 },
  run: async ({ batchId }, { finalAttempt }) => {
    try {
      return { batchId, result: await completeAsyncBatch(batchId) };
    } catch (err) {
      if (finalAttempt) await failAsyncBatch(batchId, (err as Error).message);
      throw err;
    }
  },
});

export const resumeBatchesJob = defineJob({
  name: 'card-keys.resume-batches',
  queue: 'card-keys',
  description: 'Queue again async batches still generating after 10 minutes (their job was lost)',
  schedule: { every: 5 * 60_000 },
  data: z.object({}).default({}),
  run: async () => ({ requeued: await resumeStuckBatches() }),
});
