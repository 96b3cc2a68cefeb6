import { allow, definePolicy, EVERYONE } from './policy.js';

/** card_key_batches: every role manages the batches in its row scope (access.ts). */
export const cardKeyBatchPolicy = definePolicy('card_key_batches', allow(EVERYONE, ['disableBatch', 'extendBatch', 'revokeUnused', 'exportBatch']));
