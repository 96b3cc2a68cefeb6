import { allow, definePolicy, MINI_USER } from './policy.js';

/** purchase_record (the points ledger) and points lots: a mini-program user reads their own balance, lots and records. */
export const purchaseRecordPolicy = definePolicy('purchase_record', allow(MINI_USER, 'listOwn'));
