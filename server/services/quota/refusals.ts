import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.js';
import type { Refusal } from '../../lib/input.js';

/**
 * Every way a quota command says no. Each is thrown before or inside the command's transaction,
 * so a refusal never leaves a half-made change behind. Codes are in the 5xxx (quota) range;
 * `InsufficientQuotaError` (5001) comes from the ledger primitive itself.
 */
export const unknownRecipient = (): AppError => notFound('接收方用户不存在', 'UNKNOWN_RECIPIENT', 5010);
export const selfTransfer = (): AppError => badRequest('不能给自己转账', 'SELF_TRANSFER', 5011);
export const accountFrozen = (whose: '您的' | '对方' | '该用户'): AppError =>
  forbidden(`${whose}账户已冻结，无法进行额度操作`, 'ACCOUNT_FROZEN', 5012);
export const accountInactive = (whose: '对方' | '该用户'): AppError =>
  forbidden(`${whose}账户尚未激活，无法进行额度操作`, 'ACCOUNT_INACTIVE', 5013);
export const transferNotPending = (): AppError => conflict('该转账不在待审核状态', 'TRANSFER_NOT_PENDING', 5014);
export const withdrawalNotPending = (): AppError => conflict('该提现申请不在待审核状态', 'WITHDRAWAL_NOT_PENDING', 5015);
export const transferNotFound = (): AppError => notFound('转账记录不存在', 'TRANSFER_NOT_FOUND', 5016);
export const withdrawalNotFound = (): AppError => notFound('提现申请不存在', 'WITHDRAWAL_NOT_FOUND', 5017);
export const notAllowed = (message: string): AppError => forbidden(message, 'QUOTA_FORBIDDEN', 5018);
/** The idempotency key already did its work; `runCommand` answers with the first run's result. */
export const duplicateOperation = (): AppError => conflict('该操作已处理过', 'DUPLICATE_OPERATION', 5009);
/** How a quota command's schema refuses its input (server/lib/input.ts). */
export const INVALID_QUOTA_INPUT: Refusal = { reason: 'INVALID_INPUT', code: 5019 };
export const partNotBelowAmount = (amount: string): AppError =>
  badRequest(`部分放行额度必须小于转账额度 ${amount}（全额请选择放行）`, 'ABOVE_MAXIMUM', 5004);
