import { say } from '../i18n.js';
import { allow, definePolicy, refusal, SUPER } from './policy.js';

/** projects: the catalogue is managed by super admins only. */
export const projectPolicy = definePolicy(
  'projects',
  allow(SUPER, ['createProject', 'update', 'rotateSecret', 'publicKey'], { refusal: refusal(say('只有超级管理员可以管理项目', 'Only super admins manage projects'), 'SUPER_ADMIN_ONLY', 3403) }),
);
