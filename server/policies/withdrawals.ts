import { say } from '../i18n.js';
import { isSuperAdmin, notYourUser } from './actor.js';
import { ADMINS, AGENTS, allow, definePolicy, refusal, SUPER } from './policy.js';

type WithdrawalRow = { userId: number };

/**
 * withdrawals: agents and agent admins apply and cancel their own; the applicant's agent admin or a
 * super admin reviews (whose applicant is checked by `assertCanManageUser`), never their own; a
 * withdrawal held as abnormal is released, refused or split by a super admin first (reviewHold).
 */
export const withdrawalPolicy = definePolicy(
  'withdrawals',
  allow(AGENTS, 'requestWithdrawal', { refusal: refusal(say('超级管理员无需申请提现', 'Super admins do not withdraw'), 'QUOTA_FORBIDDEN', 5018) }),
  allow<WithdrawalRow>(ADMINS, 'review', { when: (actor, w) => isSuperAdmin(actor) || Number(w.userId) !== actor.id, refusal: notYourUser }),
  allow(SUPER, 'reviewHold', { refusal: refusal(say('只有超级管理员可以审核异常提现', 'Only super admins review held withdrawals'), 'QUOTA_FORBIDDEN', 5018) }),
  allow<WithdrawalRow>(AGENTS, 'cancel', { when: (actor, w) => Number(w.userId) === actor.id }),
);
