import { say } from '../i18n.js';
import { allow, definePolicy, refusal, SUPER } from './policy.js';

export const systemConfigPolicy = definePolicy(
  'system_configs',
  allow(SUPER, 'updateSetting', { refusal: refusal(say('只有超级管理员可以修改系统配置', 'Only super admins change settings')) }),
);
