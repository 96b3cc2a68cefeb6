import type { Transaction } from 'sequelize';
import { OperationLog } from '../../models/index.js';

export interface OperationRecord {
  actor?: { id: number; role: string } | null;
  /** The admin user whose data this concerns (for row-scoped log views); defaults to the actor. */
  ownerId?: number | null;
  action: string;
  resource: string;
  recordId?: string | number | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

const SECRET_FIELDS = /password|secret|token|hash|private/i;

function scrub(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value ?? null;
  if (Array.isArray(value)) return value.map(scrub);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? '[redacted]' : scrub(v)]),
  );
}

/** Appends one audit row, inside the caller's transaction when given so it commits with the change. */
export async function recordOperation(op: OperationRecord, transaction?: Transaction): Promise<void> {
  await OperationLog.create(
    {
      actorId: op.actor?.id ?? null,
      actorRole: op.actor?.role ?? null,
      ownerId: op.ownerId === undefined ? (op.actor?.id ?? null) : op.ownerId,
      action: op.action,
      resource: op.resource,
      recordId: op.recordId == null ? null : String(op.recordId),
      before: scrub(op.before),
      after: scrub(op.after),
      ip: op.ip ?? null,
    },
    { transaction },
  );
}
