import { notYourUser } from './actor.js';
import { ADMINS, allow, definePolicy } from './policy.js';

/** project_authorizations: granted and revoked by super admins and agent admins (for agents they manage). */
export const projectAuthorizationPolicy = definePolicy('project_authorizations', allow(ADMINS, ['grant', 'revoke'], { refusal: notYourUser }));
