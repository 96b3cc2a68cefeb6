import { say } from '../i18n.js';
import { allow, definePolicy, refusal, SUPER } from './policy.js';

/** meta_auth_key: in the admin, users' API keys are the super admin's (their owners use the mini-program API). */
export const apiKeyPolicy = definePolicy(
  'meta_auth_key',
  allow(SUPER, ['disableKey', 'enableKey', 'manage'], { refusal: refusal(say('仅超级管理员可管理用户的 API Key', 'Only super admins manage users\' API keys'), 'SUPER_ADMIN_ONLY', 1403) }),
);
