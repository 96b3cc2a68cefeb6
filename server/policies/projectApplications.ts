import { say } from '../i18n.js';
import { notYourUser } from './actor.js';
import { ADMINS, allow, definePolicy, refusal } from './policy.js';

/** project_applications: agents apply; their agent admin (or a super admin) reviews. */
export const projectApplicationPolicy = definePolicy(
  'project_applications',
  allow(['agent'], 'apply', { refusal: refusal(say('只有代理可以申请项目', 'Only agents apply for projects'), 'AGENTS_ONLY', 3403) }),
  allow(ADMINS, 'review', { refusal: notYourUser }),
);
