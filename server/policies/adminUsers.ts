import { notYourUser } from './actor.js';
import { ADMINS, allow, definePolicy, SYSTEM } from './policy.js';

/**
 * admin_users: which user each admin may manage is the row check `assertCanManageUser` (actor.ts).
 * The operator creates users, resets passwords and acts as a named admin (`card-keys:generate --as`,
 * whose own policies then apply).
 */
export const adminUserPolicy = definePolicy(
  'admin_users',
  allow(ADMINS, ['recharge', 'freeze', 'unfreeze', 'unlock'], { refusal: notYourUser }),
  allow(SYSTEM, ['createUser', 'resetPassword', 'actAs']),
);
