import { allow, definePolicy, EVERYONE, MINI_USER } from './policy.js';

/**
 * card_keys: every admin role works on the keys in its row scope (access.ts); the services check the
 * scope again. A mini-program user redeems a card key's code for points.
 */
export const cardKeyPolicy = definePolicy(
  'card_keys',
  allow(EVERYONE, ['generate', 'export', 'unbind', 'disable', 'enable', 'bulkDisable', 'bulkEnable']),
  allow(MINI_USER, 'redeem'),
);
