import { say } from '../i18n.js';
import { allow, definePolicy, refusal, SUPER } from './policy.js';

export const meteringServicePolicy = definePolicy(
  'metering_services',
  allow(SUPER, ['registerService', 'rotateSecret', 'enable'], { refusal: refusal(say('仅超级管理员可管理计费服务', 'Only super admins manage metering services'), 'SUPER_ADMIN_ONLY', 1403) }),
);
