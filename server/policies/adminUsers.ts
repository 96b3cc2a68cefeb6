import { notYourUser } from './actor.js';
import { ADMINS, allow, definePolicy } from './policy.js';

/** admin_users: which user each admin may manage is the row check `assertCanManageUser` (actor.ts). */
export const adminUserPolicy = definePolicy(
  'admin_users',
  allow(ADMINS, ['recharge', 'freeze', 'unfreeze', 'unlock'], { refusal: notYourUser }),
);
