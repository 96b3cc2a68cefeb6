import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { say, type Localized } from '../../i18n.js';
import type { Refusal } from '../../lib/input.js';

/**
 * Every way a quota command says no. Each is thrown before or inside the command's transaction,
 * so a refusal never leaves a half-made change behind. Codes are in the 5xxx (quota) range;
 * `InsufficientQuotaError` (5001) comes from the ledger primitive itself.
 */
export const unknownRecipient = (): AppError => notFound(say('接收方用户不存在', 'The recipient does not exist'), 'UNKNOWN_RECIPIENT', 5010);
export const selfTransfer = (): AppError => badRequest(say('不能给自己转账', 'You cannot transfer to yourself'), 'SELF_TRANSFER', 5011);
const WHOSE_EN = { 您的: 'Your', 对方: "The recipient's", 该用户: "This user's" } as const;
export const accountFrozen = (whose: '您的' | '对方' | '该用户'): AppError =>
  forbidden(say(`${whose}账户已冻结，无法进行额度操作`, `${WHOSE_EN[whose]} account is frozen: no quota operations`), 'ACCOUNT_FROZEN', 5012);
export const accountInactive = (whose: '对方' | '该用户'): AppError =>
  forbidden(say(`${whose}账户尚未激活，无法进行额度操作`, `${WHOSE_EN[whose]} account is not active yet: no quota operations`), 'ACCOUNT_INACTIVE', 5013);
export const transferNotPending = (): AppError => conflict(say('该转账不在待审核状态', 'This transfer is not waiting for review'), 'TRANSFER_NOT_PENDING', 5014);
export const withdrawalNotPending = (): AppError => conflict(say('该提现申请不在待审核状态', 'This withdrawal is not waiting for review'), 'WITHDRAWAL_NOT_PENDING', 5015);
export const transferNotFound = (): AppError => notFound(say('转账记录不存在', 'Transfer not found'), 'TRANSFER_NOT_FOUND', 5016);
export const withdrawalNotFound = (): AppError => notFound(say('提现申请不存在', 'Withdrawal not found'), 'WITHDRAWAL_NOT_FOUND', 5017);
export const notAllowed = (message: string | Localized): AppError => forbidden(message, 'QUOTA_FORBIDDEN', 5018);
/** The idempotency key already did its work; `runCommand` answers with the first run's result. */
export const duplicateOperation = (): AppError => conflict(say('该操作已处理过', 'This operation was already done'), 'DUPLICATE_OPERATION', 5009);
/** How a quota command's schema refuses its input (server/lib/input.ts). */
export const INVALID_QUOTA_INPUT: Refusal = { reason: 'INVALID_INPUT', code: 5019 };
const HELD = { transfer: say('转账额度', 'transfer amount'), withdrawal: say('提现额度', 'withdrawal amount') } as const;
export const partNotBelowAmount = (amount: string, of: keyof typeof HELD = 'transfer'): AppError =>
  badRequest(
    say(`部分放行额度必须小于${HELD[of]['zh-CN']} ${amount}（全额请选择放行）`, `The part let through must be below the ${HELD[of].en} ${amount} (choose approve for all of it)`),
    'ABOVE_MAXIMUM',
    5004,
  );
