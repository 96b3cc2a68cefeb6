import { forbidden } from '../errors.js';
import type { Role } from '../services/identity/createAdminUser.js';

/** Who is acting: the logged-in admin user as stored in the session. */
export interface Actor {
  id: number;
  role: Role;
  parentId: number | null;
}

/**
 * A mini-program user acting through the API (server/routes/api) on their own rows: orders, API
 * keys, points, redeeming, profile. `id` is their `meta_user.id`; the policies' `ownRow` predicate
 * compares a row's `userId` with it.
 */
export interface MiniUserActor {
  id: string;
  role: 'mini_user';
}
export const miniUserActor = (userId: string | number): MiniUserActor => ({ id: String(userId), role: 'mini_user' });

/**
 * The operator at the command line (server/cli): not a bypass — an actor whose verbs the policies
 * list (`allow(SYSTEM_ROLE, …)`), asked like any other before each CLI command runs.
 */
export interface SystemActor {
  id: 0;
  role: 'system';
}
export const SYSTEM_ACTOR: SystemActor = Object.freeze({ id: 0, role: 'system' });

export const isSuperAdmin = (a: Actor) => a.role === 'super_admin';
export const isAgentAdmin = (a: Actor) => a.role === 'agent_admin';
export const isAgent = (a: Actor) => a.role === 'agent';

/** The admin users whose data `actor` may see: everyone, self + own agents, or self. */
export function visibleUserIdsSql(actor: Actor): string | null {
  const id = Number(actor.id);
  if (!Number.isSafeInteger(id)) throw new Error('actor id must be an integer');
  if (isSuperAdmin(actor)) return null; // no restriction
  if (isAgentAdmin(actor)) return `(SELECT u.id FROM admin_users u WHERE u.id = ${id} OR u.parent_id = ${id})`;
  return `(${id})`;
}

/** May `actor` manage (recharge, freeze, review for, grant to) `target`? Super admin: anyone but themselves; agent admin: own agents. */
export function canManageUser(actor: Actor, target: { id: number; role: string; parentId: number | null }): boolean {
  if (isSuperAdmin(actor)) return target.id !== actor.id || target.role !== 'super_admin';
  if (isAgentAdmin(actor)) return target.role === 'agent' && target.parentId === actor.id;
  return false;
}

export const notYourUser = () => forbidden('无权管理该用户', 'NOT_YOUR_USER', 2403);

export function assertCanManageUser(actor: Actor, target: { id: number; role: string; parentId: number | null }): void {
  if (!canManageUser(actor, target)) throw notYourUser();
}
