import { allow, definePolicy, EVERYONE } from './policy.js';

/** card_keys: every role works on the keys in its row scope (access.ts); the services check the scope again. */
export const cardKeyPolicy = definePolicy('card_keys', allow(EVERYONE, ['generate', 'export', 'unbind', 'disable', 'enable', 'bulkDisable', 'bulkEnable']));
