import { allow, definePolicy, EVERYONE } from './policy.js';

/**
 * callback_deliveries: anyone may replay a delivery of a key in their row scope (the service
 * checks it); in the admin only super admins can open deliveries at all (access.ts).
 */
export const callbackDeliveryPolicy = definePolicy('callback_deliveries', allow(EVERYONE, 'replay'));
