import { say } from '../i18n.js';
import { allow, definePolicy, MINI_USER, refusal, SUPER } from './policy.js';

/** meta_user: super admins freeze, unfreeze and adjust points; a mini-program user reads and edits themself (profile, settings). */
export const miniUserPolicy = definePolicy(
  'meta_user',
  allow(SUPER, ['freeze', 'unfreeze', 'adjustPoints'], { refusal: refusal(say('只有超级管理员可以管理小程序用户', 'Only super admins manage mini-program users')) }),
  allow<{ id: string | number }, { id: string | number }>(MINI_USER, ['viewSelf', 'editSelf'], { when: (actor, user) => String(user.id) === String(actor.id) }),
);
