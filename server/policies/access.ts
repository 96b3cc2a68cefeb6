import { Op, literal, type WhereOptions } from 'sequelize';
import type { Role } from '../services/identity/createAdminUser.js';
import { canManageUser, isAgent, isSuperAdmin, visibleUserIdsSql, type Actor } from './actor.js';
import { can as policyAllows } from './index.js';

/**
 * Row scope and field visibility, and who may use the built-in AdminJS actions (`list`, `search`,
 * `show`, `new`, `edit`, `delete`, `bulkDelete`) of each resource. The AdminJS adapter, the admin
 * actions, the API and the exports all ask this module. Domain verbs (`recharge`, `review`, ...) are
 * the resources' policies in server/policies/<resource>.ts; `can()` here answers for both (a verb no
 * policy names is denied, for every role).
 *
 * Row scope: `owner` names the attribute(s) holding the admin user a row belongs to. A super admin
 * sees every row; an agent admin sees rows owned by themself or by agents whose parent_id is
 * theirs (`visible`), or only their own (`self`); an agent sees only their own rows.
 */

export const READ = ['list', 'search', 'show'] as const;
export const CRUD = [...READ, 'new', 'edit', 'delete', 'bulkDelete'] as const;
const SUPER_READ_ONLY = { super_admin: READ };

/** Columns that hold secrets: never shown, never filtered or searched on, never written through the admin. */
export const SECRET_FIELDS = [
  'passwordHash',
  'tokenHash',
  'appSecretEnc',
  'previousSecretEnc',
  'signPrivateKeyEnc',
  'keyHash',
  'secretHash',
] as const;

export type ScopeKind = 'visible' | 'self';

export interface ResourceRule {
  /** Attribute(s) naming the owning admin user; several = a row is visible when any of them is. */
  owner?: readonly string[];
  /** Custom scope when no owner column exists: SQL yielding the visible primary keys for a user id. */
  ownerSql?: (actorId: number) => string;
  /** Row scope of a (non super) agent admin: own rows and their agents' (`visible`, default) or own only. */
  agentAdminScope?: ScopeKind;
  /** Allowed built-in actions per role; a role missing here has no access at all. */
  actions: Partial<Record<Role, readonly string[]>>;
  /** Attributes each role may set on new/edit; everything else in the payload is dropped. */
  writable?: Partial<Record<Role, readonly string[]>>;
  /** Attributes hidden from a role (besides SECRET_FIELDS, hidden from everyone). */
  hiddenFor?: Partial<Record<Role, readonly string[]>>;
  /** String filters compared with `=` instead of LIKE (codes on large tables). */
  exactFilters?: readonly string[];
  /** Large tables: list totals count at most this many rows, and only these (indexed) sorts are offered. */
  large?: { countCap: number; sortable: readonly string[] };
}

const ownRows = (actions: readonly string[], superActions: readonly string[] = actions) => ({
  super_admin: superActions,
  agent_admin: actions,
  agent: actions,
});

export const RULES: Record<string, ResourceRule> = {
  // Identity
  admin_users: {
    owner: ['id'],
    actions: {
      super_admin: ['list', 'search', 'show', 'new', 'edit'],
      agent_admin: ['list', 'search', 'show', 'new', 'edit'],
      agent: ['search', 'show', 'edit'],
    },
    writable: {
      super_admin: ['username', 'password', 'currentPassword', 'email', 'role', 'parentId', 'status', 'mustChangePassword', 'locale'],
      agent_admin: ['username', 'password', 'currentPassword', 'email', 'locale'],
      agent: ['email', 'currentPassword', 'locale'],
    },
    hiddenFor: { agent: ['failedLoginCount', 'lockedUntil'] },
  },
  login_logs: { owner: ['userId'], actions: ownRows(READ) },
  email_tokens: { owner: ['userId'], actions: SUPER_READ_ONLY },

  // Quota economy: balances and ledgers move only through domain actions (quota service).
  quota_accounts: { owner: ['userId'], actions: ownRows(READ) },
  quota_ledger: { owner: ['userId'], actions: ownRows(READ) },
  quota_transfers: { owner: ['fromUserId', 'toUserId'], actions: ownRows(READ) },
  withdrawals: { owner: ['userId'], actions: ownRows(READ) },

  // Projects: every role reads the catalogue of projects and prices (to apply and to generate keys).
  projects: {
    // New projects come from the createProject action (a price list is required), not the bare form.
    actions: { super_admin: ['list', 'search', 'show', 'edit'], agent_admin: READ, agent: READ },
    writable: {
      super_admin: ['name', 'description', 'version', 'status', 'kind', 'pointsPerKey', 'callbackUrl', 'maxUnbinds', 'unbindCooldownMinutes', 'shareIpThreshold'],
    },
    hiddenFor: {
      agent_admin: ['appKey', 'signPublicKey', 'callbackUrl', 'previousSecretExpiresAt', 'shareIpThreshold'],
      agent: ['appKey', 'signPublicKey', 'callbackUrl', 'previousSecretExpiresAt', 'shareIpThreshold'],
    },
  },
  project_prices: {
    actions: { super_admin: CRUD, agent_admin: READ, agent: READ },
    writable: { super_admin: ['projectId', 'label', 'durationDays', 'unitPrice', 'sort'] },
  },
  project_authorizations: {
    owner: ['agentId'],
    actions: { super_admin: [...READ, 'new', 'edit'], agent_admin: [...READ, 'new', 'edit'], agent: READ },
    writable: { super_admin: ['projectId', 'agentId', 'status', 'expiresAt'], agent_admin: ['projectId', 'agentId', 'status', 'expiresAt'] },
  },
  project_applications: {
    owner: ['agentId'],
    actions: { super_admin: READ, agent_admin: READ, agent: [...READ, 'new'] },
    writable: { agent: ['projectId', 'reason'] },
  },
  card_key_batches: { owner: ['agentId'], actions: ownRows(READ) },
  card_keys: {
    owner: ['agentId'],
    actions: ownRows(READ),
    exactFilters: ['code', 'deviceId'],
    large: { countCap: 10_000, sortable: ['id', 'createdAt'] },
  },
  card_key_verifications: {
    owner: ['agentId'],
    actions: ownRows(READ),
    exactFilters: ['code', 'deviceId'],
    large: { countCap: 10_000, sortable: ['id', 'createdAt'] },
  },
  callback_deliveries: { actions: SUPER_READ_ONLY },

  // Points business and the mini-program: super admin only.
  // Catalog forms go through server/services/catalog (validated, audited); delete refused while referenced.
  meta_product: {
    actions: { super_admin: CRUD },
    writable: { super_admin: ['name', 'productType', 'pointAmount', 'originalPrice', 'salePrice', 'currency', 'expireTime', 'status', 'sort', 'pointsValidityDays', 'description'] },
  },
  meta_promotion: {
    actions: { super_admin: CRUD },
    writable: { super_admin: ['name', 'promoType', 'discountRate', 'minAmount', 'reduceAmount', 'bonusPoints', 'startTime', 'endTime', 'applicableProducts', 'memo'] },
  },
  rel_product_package: {
    actions: { super_admin: CRUD },
    writable: { super_admin: ['name', 'productId', 'promotionId', 'packagePrice', 'totalPoints', 'isHot', 'sort', 'expireTime', 'status', 'description'] },
  },
  // Status changes only through 冻结/解冻 (setMiniUserStatus: tokens revoked, audited), never a form edit.
  meta_user: { actions: SUPER_READ_ONLY },
  meta_order: { actions: SUPER_READ_ONLY, exactFilters: ['orderNo', 'wxTransactionId'] },
  wechat_payments: { actions: SUPER_READ_ONLY },
  points_lots: { actions: SUPER_READ_ONLY },
  api_catalog: { actions: { super_admin: CRUD }, writable: { super_admin: ['name', 'path', 'pointsPerCall', 'status', 'description', 'serviceStatus', 'serviceMessage'] } },
  meta_auth_key: { actions: SUPER_READ_ONLY, exactFilters: ['keyPrefix'] },
  api_key_scopes: { actions: SUPER_READ_ONLY },
  metering_services: { actions: { super_admin: ['list', 'search', 'show', 'edit'] }, writable: { super_admin: ['name', 'status'] } },
  purchase_record: { actions: SUPER_READ_ONLY },

  // Content and configuration.
  // The image arrives as the upload field `imageFile` (server/services/content/banners.ts checks it).
  banners: { actions: { super_admin: CRUD }, writable: { super_admin: ['title', 'imageFile', 'linkUrl', 'sort', 'status'] } },
  articles: {
    actions: { super_admin: CRUD },
    writable: { super_admin: ['kind', 'title', 'summary', 'content', 'status', 'publishedAt'] },
  },
  // Others see the notifications addressed to them (and only to them, whatever their role).
  notifications: {
    ownerSql: (id) => `(SELECT r.notification_id FROM notification_recipients r WHERE r.user_id = ${id})`,
    actions: { super_admin: CRUD, agent_admin: READ, agent: READ },
    writable: { super_admin: ['announcementType', 'title', 'body', 'audience', 'audienceRole', 'audienceUserIds', 'sendEmail', 'scheduledAt'] },
  },
  notification_recipients: { owner: ['userId'], agentAdminScope: 'self', actions: ownRows(READ) },
  system_configs: { actions: SUPER_READ_ONLY },
  // `key` is a reference to a setting (a string key, not an id): filtered with `=`.
  system_config_changes: { actions: SUPER_READ_ONLY, exactFilters: ['key'] },

  // Logs: agent admins see their own and their agents'; the rest is the super admin's.
  operation_logs: { owner: ['ownerId'], actions: ownRows(READ), large: { countCap: 10_000, sortable: ['id', 'createdAt'] } },
  security_events: { owner: ['userId'], actions: { super_admin: READ, agent_admin: READ }, large: { countCap: 10_000, sortable: ['id', 'createdAt'] } },
  system_logs: { actions: SUPER_READ_ONLY, large: { countCap: 10_000, sortable: ['id', 'createdAt'] } },
  api_call_logs: { actions: SUPER_READ_ONLY, large: { countCap: 10_000, sortable: ['id', 'createdAt'] } },
  email_messages: { actions: SUPER_READ_ONLY },
  backups: { actions: SUPER_READ_ONLY },
  backup_restore_requests: { actions: SUPER_READ_ONLY },
  log_archives: { actions: SUPER_READ_ONLY },

  // Daily rollups, scoped like the rows they summarise.
  daily_card_key_stats: { owner: ['agentId'], actions: ownRows(READ) },
  daily_quota_stats: { owner: ['userId'], actions: ownRows(READ) },
  daily_activity_stats: { owner: ['userId'], actions: ownRows(READ) },
  daily_points_stats: { actions: SUPER_READ_ONLY },
};

export class MissingRuleError extends Error {}

export function ruleFor(resource: string): ResourceRule {
  const rule = RULES[resource];
  if (!rule) throw new MissingRuleError(`no access rule for resource "${resource}" in server/policies/access.ts`);
  return rule;
}

/**
 * May `actor` run `action` on `resource` (on `record` when given: a policy's predicate sees it)?
 * Built-in actions: RULES above; domain verbs: the resource's policy. Which rows: see scopeWhere.
 */
export function can(actor: Actor | null | undefined, resource: string, action: string, record?: unknown): boolean {
  if (!actor) return false;
  if ((CRUD as readonly string[]).includes(action)) return !!RULES[resource]?.actions[actor.role]?.includes(action);
  return policyAllows(actor, action, resource, record);
}

/** The Sequelize condition restricting `resource` to rows `actor` may see; null = no restriction. */
export function scopeWhere(actor: Actor, resource: string): WhereOptions | null {
  const rule = ruleFor(resource);
  if (!rule.actions[actor.role]?.length) return literal('false') as unknown as WhereOptions;
  if (isSuperAdmin(actor)) return null;
  const id = Number(actor.id);
  if (!Number.isSafeInteger(id)) throw new Error('actor id must be an integer');
  if (rule.ownerSql) return { id: { [Op.in]: literal(rule.ownerSql(id)) } };
  if (!rule.owner) return null; // readable by every role that has actions (catalogue tables)
  const selfOnly = actor.role === 'agent' || rule.agentAdminScope === 'self';
  const set = selfOnly ? `(${id})` : visibleUserIdsSql(actor)!;
  const conditions = rule.owner.map((col) => ({ [col]: { [Op.in]: literal(set) } }));
  return conditions.length === 1 ? conditions[0]! : { [Op.or]: conditions };
}

/** May `actor` make `ownerId` (a value a form supplied; `target` is that user) the owner of a new `resource` row? */
export function mayAssignOwner(actor: Actor, resource: string, ownerId: number, target?: { role: string; parentId: number | null }): boolean {
  if (isSuperAdmin(actor)) return true;
  const rule = ruleFor(resource);
  if (isAgent(actor) || rule.agentAdminScope === 'self') return ownerId === actor.id;
  if (ownerId === actor.id) return true;
  return !!target && canManageUser(actor, { id: ownerId, ...target });
}

export function hiddenFields(actor: Actor | null | undefined, resource: string): string[] {
  const extra = actor ? (RULES[resource]?.hiddenFor?.[actor.role] ?? []) : [];
  return [...SECRET_FIELDS, ...extra];
}

export function writableFields(actor: Actor, resource: string): readonly string[] {
  return RULES[resource]?.writable?.[actor.role] ?? [];
}

/** The Actor stored in the admin session (AdminJS's currentAdmin), or null when it is not one. */
export function actorFromSession(admin: unknown): Actor | null {
  if (!admin || typeof admin !== 'object') return null;
  const a = admin as { id?: unknown; role?: unknown; parentId?: unknown };
  const id = Number(a.id);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  if (a.role !== 'super_admin' && a.role !== 'agent_admin' && a.role !== 'agent') return null;
  return { id, role: a.role, parentId: a.parentId == null ? null : Number(a.parentId) };
}
