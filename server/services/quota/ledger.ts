import { say } from '../../i18n.js';
import { QueryTypes, type Transaction } from 'sequelize';
import { AppError } from '../../errors.js';
import { QuotaLedgerEntry } from '../../models/index.js';
import { fromCents, toCents } from './amount.js';
import { duplicateOperation } from './refusals.js';

export type LedgerType =
  | 'system_recharge'
  | 'recharge_out'
  | 'recharge_in'
  | 'transfer_freeze'
  | 'transfer_unfreeze'
  | 'transfer_out'
  | 'transfer_in'
  | 'withdrawal_freeze'
  | 'withdrawal_unfreeze'
  | 'withdrawal_paid'
  | 'card_key_generation'
  | 'card_key_refund'
  | 'adjustment';

export interface QuotaChange {
  userId: number;
  type: LedgerType;
  /** Signed decimal string; the change to the spendable balance. */
  balanceDelta?: string;
  /** Signed decimal string; the change to the frozen amount. */
  frozenDelta?: string;
  reference?: { type: string; id: string | number };
  counterpartyId?: number | null;
  actorId?: number | null;
  memo?: string | null;
  idempotencyKey?: string | null;
}

export class InsufficientQuotaError extends AppError {
  constructor(public readonly userId: number) {
    super(409, 5001, 'INSUFFICIENT_QUOTA', say('额度不足', 'Not enough quota'));
  }
}

const signed = (v: string | undefined): bigint => {
  if (!v || v === '0') return 0n;
  return v.startsWith('-') ? -toCents(v.slice(1)) : toCents(v);
};

/**
 * The one way quota moves. Applies each change with a conditional UPDATE (balance and frozen can
 * never go below zero, whatever runs concurrently) and writes its ledger row with the amounts after
 * the change — all in the caller's transaction, so a refusal anywhere undoes everything.
 * Accounts are touched in user-id order so two opposite moves cannot deadlock.
 */
export async function applyQuotaChanges(changes: QuotaChange[], t: Transaction): Promise<QuotaLedgerEntry[]> {
  const ordered = changes.map((c, i) => ({ c, i })).sort((a, b) => a.c.userId - b.c.userId || a.i - b.i);
  const entries: QuotaLedgerEntry[] = new Array(changes.length);
  const sequelize = QuotaLedgerEntry.sequelize!;
  for (const { c, i } of ordered) {
    const balanceDelta = signed(c.balanceDelta);
    const frozenDelta = signed(c.frozenDelta);
    if (balanceDelta === 0n && frozenDelta === 0n) throw new Error(`empty quota change for user ${c.userId}`);
    if (c.idempotencyKey) {
      const seen = await QuotaLedgerEntry.findOne({ where: { idempotencyKey: c.idempotencyKey }, transaction: t });
      if (seen) throw duplicateOperation();
    }
    const rows = await sequelize.query<{ balance: string; frozen: string }>(
      `UPDATE quota_accounts
          SET balance = balance + :bd, frozen = frozen + :fd, updated_at = now()
        WHERE user_id = :userId AND balance + :bd >= 0 AND frozen + :fd >= 0
        RETURNING balance, frozen`,
      {
        replacements: { bd: fromCents(balanceDelta), fd: fromCents(frozenDelta), userId: c.userId },
        type: QueryTypes.SELECT,
        transaction: t,
      },
    );
    const after = rows[0];
    if (!after) throw new InsufficientQuotaError(c.userId);
    entries[i] = await QuotaLedgerEntry.create(
      {
        userId: c.userId,
        type: c.type,
        balanceDelta: fromCents(balanceDelta),
        frozenDelta: fromCents(frozenDelta),
        balanceAfter: after.balance,
        frozenAfter: after.frozen,
        referenceType: c.reference?.type ?? null,
        referenceId: c.reference ? String(c.reference.id) : null,
        counterpartyId: c.counterpartyId ?? null,
        actorId: c.actorId ?? null,
        memo: c.memo ?? null,
        idempotencyKey: c.idempotencyKey ?? null,
      },
      { transaction: t },
    );
  }
  return entries;
}
