import { say } from '../i18n.js';
import { AGENTS, allow, definePolicy, refusal, SUPER } from './policy.js';

/** quota_transfers: agents and agent admins send; only super admins review a held transfer. */
export const quotaTransferPolicy = definePolicy(
  'quota_transfers',
  allow(AGENTS, 'transfer', { refusal: refusal(say('超级管理员请使用充值', 'Super admins recharge instead'), 'QUOTA_FORBIDDEN', 5018) }),
  allow(SUPER, 'review', { refusal: refusal(say('只有超级管理员可以审核转账', 'Only super admins review transfers'), 'QUOTA_FORBIDDEN', 5018) }),
);
