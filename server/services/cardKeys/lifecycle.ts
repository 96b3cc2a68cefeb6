import { QueryTypes, type Transaction } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { db, inTransaction } from '../../db/index.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { CardKeyBatch, Project } from '../../models/index.js';
import { visibleUserIdsSql, type Actor } from '../../policies/actor.js';
import { logger } from '../../logger.js';
import { defineJob } from '../../queues/defineJob.js';
import { recordOperation } from '../audit/operationLog.js';
import { multiply } from '../quota/amount.js';
import { applyQuotaChanges } from '../quota/ledger.js';
import { emitCardKeyEvent, type CardKeyEvent } from './events.js';
import { publishInvalidation } from './invalidation.js';
import { guardSensitiveOperation } from '../security/sensitiveOps.js';

/** `AND <column> IN (…)` limiting rows to what `actor` may act on, or '' for a super admin. */
export function scopeClause(actor: Actor, column = 'agent_id'): string {
  const scope = visibleUserIdsSql(actor);
  return scope ? `AND ${column} IN ${scope}` : '';
}

interface ChangedKey {
  id: number;
  code: string;
  project_id: number;
  agent_id: number;
  activated_at: Date | null;
}

async function emitAll(event: CardKeyEvent, keys: ChangedKey[], data: Record<string, unknown> = {}): Promise<void> {
  // The project only knows keys that were activated once; events for never-used keys would be noise.
  for (const k of keys) {
    if (!k.activated_at) continue;
    await emitCardKeyEvent({ event, projectId: k.project_id, cardKeyId: k.id, code: k.code, data }).catch((err) =>
      logger().error({ err, code: k.code }, 'card-key event failed'),
    );
  }
}

const idArray = (ids: number[]) => {
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 10_000 || !ids.every((id) => Number.isSafeInteger(Number(id)) && Number(id) > 0))
    throw badRequest('请选择 1-10000 张卡密', 'INVALID_SELECTION', 3030);
  return `{${ids.map(Number).join(',')}}`;
};

/** Disables or re-enables keys the actor may manage. Re-enabled keys return to the state their data implies. */
export async function setCardKeysEnabled(input: { actor: Actor; ids: number[]; enabled: boolean; ip?: string | null }): Promise<number> {
  authorize(input.actor, input.enabled ? 'enable' : 'disable', 'card_keys');
  const ids = idArray(input.ids);
  if (!input.enabled) await guardSensitiveOperation(input.actor.id, 'card_key_revocation', input.ip);
  const keys = await inTransaction(async (t) => {
    const rows = await db().query<ChangedKey>(
      input.enabled
        ? `UPDATE card_keys SET updated_at = now(), status = CASE
              WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 'expired'
              WHEN device_id IS NOT NULL THEN 'active' ELSE 'unused' END
            WHERE id = ANY(:ids::bigint[]) AND status = 'disabled' ${scopeClause(input.actor)}
            RETURNING id, code, project_id, agent_id, activated_at`
        : `UPDATE card_keys SET status = 'disabled', updated_at = now()
            WHERE id = ANY(:ids::bigint[]) AND status IN ('unused', 'active', 'expired') ${scopeClause(input.actor)}
            RETURNING id, code, project_id, agent_id, activated_at`,
      { replacements: { ids }, type: QueryTypes.SELECT, transaction: t },
    );
    if (rows.length) {
      await recordOperation(
        {
          actor: input.actor,
          ownerId: rows.length === 1 || rows.every((r) => r.agent_id === rows[0]!.agent_id) ? rows[0]!.agent_id : input.actor.id,
          action: input.enabled ? 'enable' : 'disable',
          resource: 'card_keys',
          recordId: rows.length === 1 ? rows[0]!.id : null,
          after: { ids: rows.map((r) => r.id), count: rows.length },
          ip: input.ip,
        },
        t,
      );
    }
    return rows;
  });
  if (keys.length) {
    await publishInvalidation({ codes: keys.map((k) => k.code) });
    await emitAll(input.enabled ? 'enabled' : 'disabled', keys);
  }
  return keys.length;
}

/**
 * Clears the device of an active, unexpired key so it can be bound again. The project's limit and
 * cooldown apply; the validity clock keeps running (activated_at and expires_at stay).
 */
export async function unbindCardKey(input: { actor: Actor; cardKeyId: number; ip?: string | null }): Promise<void> {
  authorize(input.actor, 'unbind', 'card_keys');
  const key = await inTransaction(async (t) => {
    const rows = await db().query<ChangedKey & { status: string; device_id: string | null; expires_at: Date | null; unbind_count: number; last_unbind_at: Date | null }>(
      `SELECT id, code, project_id, agent_id, activated_at, status, device_id, expires_at, unbind_count, last_unbind_at
         FROM card_keys WHERE id = :id ${scopeClause(input.actor)} FOR UPDATE`,
      { replacements: { id: input.cardKeyId }, type: QueryTypes.SELECT, transaction: t },
    );
    const key = rows[0];
    if (!key) throw notFound('卡密不存在', 'CARD_KEY_NOT_FOUND', 3430);
    if (key.status !== 'active' || (key.expires_at && key.expires_at.getTime() <= Date.now()))
      throw conflict('只有已激活且未过期的卡密可以解绑', 'NOT_UNBINDABLE', 3431);
    const project = (await Project.findByPk(key.project_id, { transaction: t }))!;
    if (key.unbind_count >= project.maxUnbinds) throw conflict(`该卡密已达到解绑次数上限（${project.maxUnbinds} 次）`, 'UNBIND_LIMIT', 3432);
    if (key.last_unbind_at && project.unbindCooldownMinutes > 0) {
      const next = key.last_unbind_at.getTime() + project.unbindCooldownMinutes * 60_000;
      if (next > Date.now()) throw conflict(`解绑过于频繁，请在 ${new Date(next).toISOString()} 之后再试`, 'UNBIND_COOLDOWN', 3433);
    }
    await db().query(
      `UPDATE card_keys SET status = 'unused', device_id = NULL, device_info = NULL, bound_at = NULL,
              unbind_count = unbind_count + 1, last_unbind_at = now(), updated_at = now()
        WHERE id = :id`,
      { replacements: { id: key.id }, transaction: t },
    );
    await recordOperation(
      {
        actor: input.actor,
        ownerId: key.agent_id,
        action: 'unbind',
        resource: 'card_keys',
        recordId: key.id,
        before: { status: key.status, deviceId: key.device_id, unbindCount: key.unbind_count },
        after: { status: 'unused', deviceId: null, unbindCount: key.unbind_count + 1 },
        ip: input.ip,
      },
      t,
    );
    return key;
  });
  await publishInvalidation({ codes: [key.code] });
  await emitAll('unbound', [key], { device_id: (key as { device_id: string | null }).device_id });
}

async function lockBatch(actor: Actor, batchId: number, t: Transaction): Promise<CardKeyBatch> {
  const rows = await db().query<{ id: number }>(
    `SELECT id FROM card_key_batches WHERE id = :id ${scopeClause(actor)} FOR UPDATE`,
    { replacements: { id: batchId }, type: QueryTypes.SELECT, transaction: t },
  );
  if (!rows[0]) throw notFound('批次不存在', 'BATCH_NOT_FOUND', 3434);
  const batch = (await CardKeyBatch.findByPk(batchId, { transaction: t }))!;
  if (batch.status === 'generating') throw conflict('批次仍在生成中', 'BATCH_GENERATING', 3435);
  if (batch.status === 'failed') throw conflict('批次生成失败，已全额退回', 'BATCH_FAILED', 3436);
  return batch;
}

/** Disables every usable key of a batch. */
export async function disableBatch(input: { actor: Actor; batchId: number; ip?: string | null }): Promise<number> {
  authorize(input.actor, 'disableBatch', 'card_key_batches');
  await guardSensitiveOperation(input.actor.id, 'card_key_revocation', input.ip);
  const keys = await inTransaction(async (t) => {
    const batch = await lockBatch(input.actor, input.batchId, t);
    const rows = await db().query<ChangedKey>(
      `UPDATE card_keys SET status = 'disabled', updated_at = now()
        WHERE batch_id = :batchId AND status IN ('unused', 'active', 'expired')
        RETURNING id, code, project_id, agent_id, activated_at`,
      { replacements: { batchId: batch.id }, type: QueryTypes.SELECT, transaction: t },
    );
    await batch.update({ status: 'disabled' }, { transaction: t });
    await recordOperation(
      { actor: input.actor, ownerId: batch.agentId, action: 'disable', resource: 'card_key_batches', recordId: batch.id, after: { disabledKeys: rows.length }, ip: input.ip },
      t,
    );
    return rows;
  });
  await publishInvalidation({ batchId: input.batchId });
  await emitAll('disabled', keys);
  return keys.length;
}

/** Lengthens every timed key of a batch by `days`; keys it brings back from expiry become usable again. */
export async function extendBatch(input: { actor: Actor; batchId: number; days: number; ip?: string | null }): Promise<number> {
  authorize(input.actor, 'extendBatch', 'card_key_batches');
  const days = Number(input.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw badRequest('延长天数须为 1-3650 的整数', 'INVALID_DAYS', 3037);
  const count = await inTransaction(async (t) => {
    const batch = await lockBatch(input.actor, input.batchId, t);
    const rows = await db().query<{ id: number }>(
      `UPDATE card_keys
          SET duration_days = duration_days + :days,
              expires_at = expires_at + make_interval(days => :days),
              status = CASE WHEN status = 'expired' AND expires_at + make_interval(days => :days) > now()
                            THEN CASE WHEN device_id IS NOT NULL THEN 'active' ELSE 'unused' END
                            ELSE status END,
              updated_at = now()
        WHERE batch_id = :batchId AND duration_days IS NOT NULL AND status IN ('unused', 'active', 'expired', 'disabled')
        RETURNING id`,
      { replacements: { days, batchId: batch.id }, type: QueryTypes.SELECT, transaction: t },
    );
    await recordOperation(
      { actor: input.actor, ownerId: batch.agentId, action: 'extend', resource: 'card_key_batches', recordId: batch.id, after: { days, keys: rows.length }, ip: input.ip },
      t,
    );
    return rows.length;
  });
  await publishInvalidation({ batchId: input.batchId });
  return count;
}

/**
 * Revokes the keys of a batch that were never activated and refunds their quota (unit price × count)
 * to the batch's agent through the ledger, in one transaction.
 */
export async function revokeUnusedKeys(input: { actor: Actor; batchId: number; ip?: string | null }): Promise<{ revoked: number; refund: string }> {
  authorize(input.actor, 'revokeUnused', 'card_key_batches');
  await guardSensitiveOperation(input.actor.id, 'card_key_revocation', input.ip);
  const result = await inTransaction(async (t) => {
    const batch = await lockBatch(input.actor, input.batchId, t);
    const rows = await db().query<{ n: number }>(
      `WITH revoked AS (
         UPDATE card_keys SET status = 'revoked', updated_at = now()
          WHERE batch_id = :batchId AND status IN ('unused', 'disabled') AND activated_at IS NULL AND device_id IS NULL
          RETURNING 1)
       SELECT count(*)::int AS n FROM revoked`,
      { replacements: { batchId: batch.id }, type: QueryTypes.SELECT, transaction: t },
    );
    const revoked = rows[0]!.n;
    const refund = multiply(batch.unitPrice, revoked);
    if (revoked > 0) {
      await applyQuotaChanges(
        [
          {
            userId: batch.agentId,
            type: 'card_key_refund',
            balanceDelta: refund,
            reference: { type: 'card_key_batch', id: batch.id },
            actorId: input.actor.id,
            memo: `作废未使用卡密 ${revoked} 张`,
          },
        ],
        t,
      );
      await batch.update({ refundedCount: batch.refundedCount + revoked }, { transaction: t });
    }
    await recordOperation(
      { actor: input.actor, ownerId: batch.agentId, action: 'revoke_unused', resource: 'card_key_batches', recordId: batch.id, after: { revoked, refund }, ip: input.ip },
      t,
    );
    return { revoked, refund };
  });
  await publishInvalidation({ batchId: input.batchId });
  return result;
}

/** Worker: marks keys past their end as expired (in chunks), drops them from every cache, sends `expired` events. */
export async function expireDueKeys(limit = 5000): Promise<number> {
  let total = 0;
  // One status per pass so each pass uses its partial index (active keys; unbound keys with a running clock).
  for (const status of ['active', 'unused'] as const) {
    for (;;) {
      const rows = await db().query<ChangedKey & { expires_at: Date }>(
        `UPDATE card_keys SET status = 'expired', updated_at = now()
          WHERE id IN (SELECT id FROM card_keys WHERE status = :status AND expires_at IS NOT NULL AND expires_at <= now()
                        LIMIT :limit FOR UPDATE SKIP LOCKED)
            AND status = :status AND expires_at <= now()
          RETURNING id, code, project_id, agent_id, activated_at, expires_at`,
        { replacements: { limit, status }, type: QueryTypes.SELECT },
      );
      total += rows.length;
      await announceExpired(rows);
      if (rows.length < limit) break;
    }
  }
  return total;
}

export const expireKeysJob = defineJob({
  name: 'card-keys.expire',
  queue: 'card-keys',
  description: 'Mark card keys past their expiry as expired, drop them from every cache, send expired callbacks',
  schedule: { every: 60_000 },
  data: z.object({}).default({}),
  run: async () => ({ expired: await expireDueKeys() }),
});

/** Expiry on read: the key is past its end, so record it now rather than waiting for the worker. */
export async function expireKeysNow(ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db().query<ChangedKey & { expires_at: Date }>(
    `UPDATE card_keys SET status = 'expired', updated_at = now()
      WHERE id = ANY(:ids::bigint[]) AND status IN ('active', 'unused') AND expires_at <= now()
      RETURNING id, code, project_id, agent_id, activated_at, expires_at`,
    { replacements: { ids: `{${ids.join(',')}}` }, type: QueryTypes.SELECT },
  );
  await announceExpired(rows);
}

/** Drops newly expired keys from every cache and sends their `expired` callbacks. */
async function announceExpired(rows: Array<ChangedKey & { expires_at: Date }>): Promise<void> {
  if (rows.length === 0) return;
  await publishInvalidation({ codes: rows.map((r) => r.code) });
  for (const r of rows) {
    await emitCardKeyEvent({ event: 'expired', projectId: r.project_id, cardKeyId: r.id, code: r.code, data: { expires_at: r.expires_at.toISOString() } }).catch(
      (err) => logger().error({ err }, 'expired event failed'),
    );
  }
}
