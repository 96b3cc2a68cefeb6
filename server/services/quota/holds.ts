import { Op, QueryTypes, type Transaction } from 'sequelize';
import { CHINA_OFFSET_MS } from '../../lib/chinaTime.js';
import { QuotaLedgerEntry, Withdrawal } from '../../models/index.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { normalize, toCents } from './amount.js';

/**
 * Transaction anomalies: when a transfer or a withdrawal is held for a super
 * admin's review instead of going through. Every check runs under the user's account lock
 * (`lockAccounts`), so counts cannot be raced.
 */
export type WithdrawalHoldReason = 'amount_threshold' | 'balance_share' | 'daily_count' | 'burst';

/** Ledger types that move quota out of a user's hands (a transfer, a withdrawal, a recharge given to an agent). */
const OUTGOING = ['transfer_freeze', 'withdrawal_freeze', 'recharge_out'];

export interface BurstLimit {
  count: number;
  minutes: number;
}

// Settings are read before the transaction opens: a cache miss inside it would need a second pooled connection.
export const burstLimit = async (): Promise<BurstLimit> => ({
  count: await getSetting('quota.transfer_burst_count'),
  minutes: await getSetting('quota.transfer_burst_minutes'),
});

/** Is this one more outgoing quota movement of `userId` than the burst limit allows in its window? */
export async function inBurst(userId: number, { count, minutes }: BurstLimit, t: Transaction): Promise<boolean> {
  const [row] = await QuotaLedgerEntry.sequelize!.query<{ n: number }>(
    `SELECT COUNT(*)::int AS n FROM quota_ledger WHERE user_id = :userId AND type IN (:types) AND created_at > now() - make_interval(mins => :minutes)`,
    { replacements: { userId, types: OUTGOING, minutes }, type: QueryTypes.SELECT, transaction: t },
  );
  return row!.n >= count;
}

export interface WithdrawalLimits {
  threshold: string;
  balancePercent: number;
  dailyMax: number;
  burst: BurstLimit;
}

export const withdrawalLimits = async (): Promise<WithdrawalLimits> => ({
  threshold: normalize(await getSetting('quota.withdrawal_review_threshold')),
  balancePercent: await getSetting('quota.withdrawal_review_balance_percent'),
  dailyMax: await getSetting('quota.withdrawal_daily_max'),
  burst: await burstLimit(),
});

/** The start of today in China (UTC+8), as an instant. */
function chinaDayStart(now: Date): Date {
  const shifted = now.getTime() + CHINA_OFFSET_MS;
  return new Date(shifted - (shifted % 86_400_000) - CHINA_OFFSET_MS);
}

/**
 * Why a withdrawal of `amount` by `userId` (whose spendable balance before it is `balance`) must
 * wait for review, if it must: above the amount threshold; above the configured share of the
 * balance; beyond the daily count (China's calendar day); or in a burst of outgoing movements.
 */
export async function withdrawalHoldReason(userId: number, amount: string, balance: string, limits: WithdrawalLimits, t: Transaction): Promise<WithdrawalHoldReason | null> {
  const cents = toCents(amount);
  if (cents > toCents(limits.threshold)) return 'amount_threshold';
  if (cents * 100n > toCents(normalize(balance)) * BigInt(limits.balancePercent)) return 'balance_share';
  const today = await Withdrawal.count({ where: { userId, createdAt: { [Op.gte]: chinaDayStart(new Date()) } }, transaction: t });
  if (today >= limits.dailyMax) return 'daily_count';
  return (await inBurst(userId, limits.burst, t)) ? 'burst' : null;
}
