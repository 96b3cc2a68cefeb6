import { say } from '../i18n.js';
import { allow, definePolicy, refusal, SUPER } from './policy.js';

export const miniUserPolicy = definePolicy(
  'meta_user',
  allow(SUPER, ['freeze', 'unfreeze', 'adjustPoints'], { refusal: refusal(say('只有超级管理员可以管理小程序用户', 'Only super admins manage mini-program users')) }),
);
