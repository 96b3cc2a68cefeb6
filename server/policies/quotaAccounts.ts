import { allow, definePolicy, SYSTEM } from './policy.js';

/** quota_accounts: the operator replays every ledger against the stored balances (`seahorse quota:reconcile`). */
export const quotaAccountPolicy = definePolicy('quota_accounts', allow(SYSTEM, 'reconcile'));
