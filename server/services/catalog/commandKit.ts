import type { Transaction } from 'sequelize';
import { inTransaction } from '../../db/index.js';
import type { Actor } from '../../policies/actor.js';
import { authorize } from '../../policies/index.js';
import { recordOperation } from '../audit/operationLog.js';


/**
 * One audited catalog change: the work and its `operation_logs` row (before/after, actor, IP)
 * commit together. `/api/packages` reads the tables on every request (no cache to drop), so the
 * change is visible to the next request.
 */
export async function auditedChange<T>(
  actor: Actor,
  action: string,
  resource: string,
  ip: string | null,
  work: (t: Transaction) => Promise<{ result: T; recordId: string | number; before?: unknown; after?: unknown }>,
): Promise<T> {
  authorize(actor, 'manage', resource);
  return inTransaction(async (t) => {
    const { result, recordId, before, after } = await work(t);
    await recordOperation({ actor, action, resource, recordId, before: before ?? null, after: after ?? null, ip }, t);
    return result;
  });
}

/** Deletes rows all or none, one audit row each (`work` refuses a row still referenced). */
export async function auditedDeletes(
  actor: Actor,
  action: string,
  resource: string,
  ids: readonly string[],
  ip: string | null,
  work: (id: string, t: Transaction) => Promise<unknown>,
): Promise<void> {
  authorize(actor, 'manage', resource);
  await inTransaction(async (t) => {
    for (const id of ids) {
      const before = await work(id, t);
      await recordOperation({ actor, action, resource, recordId: id, before, ip }, t);
    }
  });
}

/** Far future: a product or package without an end date stays on sale until taken off. */
export const NO_EXPIRY = new Date('2099-12-31T23:59:59Z');

/** The keys of `input` that a schema knows (a form posts more: id, timestamps…). */
export function pick(input: unknown, keys: readonly string[]): Record<string, unknown> {
  const o = (input ?? {}) as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}
