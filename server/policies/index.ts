import { forbidden } from '../errors.js';
import { say } from '../i18n.js';
import { adminUserPolicy } from './adminUsers.js';
import { apiKeyPolicy } from './apiKeys.js';
import { callbackDeliveryPolicy } from './callbackDeliveries.js';
import { cardKeyBatchPolicy } from './cardKeyBatches.js';
import { cardKeyPolicy } from './cardKeys.js';
import { meteringServicePolicy } from './meteringServices.js';
import { miniUserPolicy } from './miniUsers.js';
import { notificationRecipientPolicy } from './notificationRecipients.js';
import { orderPolicy } from './orders.js';
import type { Policy, PolicyRole, Rule } from './policy.js';

/** Who asks: an admin user (commands that were handed a full Actor pass it as is), a mini-program user, or the system. */
export type PolicyActor = { id: number | string; role: string; parentId?: number | null };

import { projectApplicationPolicy } from './projectApplications.js';
import { projectAuthorizationPolicy } from './projectAuthorizations.js';
import { projectPolicy } from './projects.js';
import { quotaTransferPolicy } from './quotaTransfers.js';
import { systemConfigPolicy } from './systemConfigs.js';
import { withdrawalPolicy } from './withdrawals.js';
import { backupPolicy, backupRestoreRequestPolicy } from './backups.js';
import { packagePolicy, productPolicy, promotionPolicy } from './catalog.js';
import { bannerPolicy, notificationPolicy } from './content.js';
import { apiCallLogPolicy } from './apiCallLogs.js';
import { logArchivePolicy } from './logArchives.js';
import { databasePolicy, jobPolicy, statsPolicy } from './operations.js';
import { purchaseRecordPolicy } from './purchaseRecords.js';
import { quotaAccountPolicy } from './quotaAccounts.js';

/** Every resource's policy (resources are table names, as in access.ts; operations.ts names what is not a table). */
export const POLICIES: readonly Policy[] = [
  adminUserPolicy,
  apiKeyPolicy,
  callbackDeliveryPolicy,
  cardKeyBatchPolicy,
  cardKeyPolicy,
  meteringServicePolicy,
  miniUserPolicy,
  notificationRecipientPolicy,
  orderPolicy,
  projectApplicationPolicy,
  projectAuthorizationPolicy,
  projectPolicy,
  quotaTransferPolicy,
  systemConfigPolicy,
  withdrawalPolicy,
  backupPolicy,
  backupRestoreRequestPolicy,
  productPolicy,
  promotionPolicy,
  packagePolicy,
  bannerPolicy,
  notificationPolicy,
  purchaseRecordPolicy,
  apiCallLogPolicy,
  quotaAccountPolicy,
  logArchivePolicy,
  databasePolicy,
  jobPolicy,
  statsPolicy,
];

const BY_RESOURCE = new Map(POLICIES.map((p) => [p.resource, p]));

const rulesFor = (resource: string, verb: string): Rule[] => (BY_RESOURCE.get(resource)?.rules ?? []).filter((r) => r.verbs.includes(verb));

/** The verbs a policy names for `resource` (domain actions; the built-in CRUD ones live in access.ts). */
export const policyVerbs = (resource: string): string[] => [...new Set((BY_RESOURCE.get(resource)?.rules ?? []).flatMap((r) => r.verbs))];

/**
 * May `actor` do `verb` to `resource` — to `record` when given (its predicates are checked), or
 * to some record of it when not (role only: what a button or a route needs to know up front)?
 */
export function can<R>(actor: PolicyActor | null | undefined, verb: string, resource: string, record?: R): boolean {
  if (!actor) return false;
  return rulesFor(resource, verb).some((r) => r.roles.includes(actor.role as PolicyRole) && (!r.when || record === undefined || (r.when as (a: PolicyActor, x: R) => boolean)(actor, record)));
}

/** Throws the policy's refusal unless `can(actor, verb, resource, record)`. Every command calls it first. */
export function authorize<R>(actor: PolicyActor, verb: string, resource: string, record?: R): void {
  if (can(actor, verb, resource, record)) return;
  const rules = rulesFor(resource, verb);
  // The refusal of the actor's own rule when there is one (a mini-program user asking for another's row gets "not found").
  const rule = rules.find((r) => r.refusal && r.roles.includes(actor.role as PolicyRole)) ?? rules.find((r) => r.refusal);
  const err = rule?.refusal?.() ?? forbidden(say('无权执行此操作', 'You may not do this'), 'FORBIDDEN', 1403);
  (err as { policy?: unknown }).policy = { verb, resource };
  throw err;
}
