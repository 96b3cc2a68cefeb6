import { say } from '../i18n.js';
import { apiKeyNotFound } from '../services/apiKeys/keyStats.js';
import { allow, definePolicy, MINI_USER, ownRow, refusal, SUPER } from './policy.js';

/**
 * meta_auth_key: in the admin, users' API keys are the super admin's; a mini-program user creates
 * keys and lists, views and manages (rename, enable/disable, access, delete) their own — someone
 * else's key is "not found".
 */
export const apiKeyPolicy = definePolicy(
  'meta_auth_key',
  allow(SUPER, ['disableKey', 'enableKey', 'manage'], { refusal: refusal(say('仅超级管理员可管理用户的 API Key', 'Only super admins manage users\' API keys'), 'SUPER_ADMIN_ONLY', 1403) }),
  allow(MINI_USER, ['createKey', 'listOwn']),
  allow(MINI_USER, ['view', 'manage'], { when: ownRow, refusal: apiKeyNotFound }),
);
