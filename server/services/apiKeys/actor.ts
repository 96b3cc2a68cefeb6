import type { Transaction } from 'sequelize';
import type { Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';

/**
 * Who acts on API keys: the mini-program user who owns them, or a super admin in the back office.
 * `operation_logs.actor_id` references admin users only, so a mini-program user's own actions are
 * logged with actor NULL and `miniUserId` inside `after` (and `before`) — the convention for every
 * mini-program-initiated audit row.
 */
export type KeyActor =
  | { kind: 'mini_user'; userId: string; ip?: string | null }
  | { kind: 'admin'; admin: Actor; ip?: string | null };

export async function auditKeyEvent(
  actor: KeyActor,
  event: { action: string; keyId: string; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null },
  t: Transaction,
): Promise<void> {
  const mark = (v: Record<string, unknown> | null | undefined) =>
    v && actor.kind === 'mini_user' ? { ...v, miniUserId: actor.userId } : (v ?? null);
  await recordOperation(
    {
      actor: actor.kind === 'admin' ? { id: actor.admin.id, role: actor.admin.role } : null,
      ownerId: actor.kind === 'admin' ? actor.admin.id : null,
      action: event.action,
      resource: 'meta_auth_key',
      recordId: event.keyId,
      before: mark(event.before),
      after: mark(event.after),
      ip: actor.ip ?? null,
    },
    t,
  );
}
