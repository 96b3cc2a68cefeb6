export * from './amount.js';
export { applyQuotaChanges, InsufficientQuotaError, type LedgerType, type QuotaChange } from './ledger.js';
export type { CommandMeta } from './command.js';
export { rechargeUser, type RechargeUserInput, type RechargeResult } from './rechargeUser.js';
export { transferQuota, type TransferQuotaInput, type TransferResult, type HoldReason } from './transferQuota.js';
export { reviewTransfer, type ReviewTransferInput, type ReviewTransferResult, type ReviewDecision, type ReviewedStatus } from './reviewTransfer.js';
export { requestWithdrawal, type RequestWithdrawalInput, type WithdrawalResult } from './requestWithdrawal.js';
export { reviewWithdrawal, type ReviewWithdrawalInput } from './reviewWithdrawal.js';
export { cancelWithdrawal, type CancelWithdrawalInput } from './cancelWithdrawal.js';
