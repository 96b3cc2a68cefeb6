import { AppError, forbidden } from '../errors.js';
import type { Localized } from '../i18n.js';
import type { Role } from '../services/identity/createAdminUser.js';
import type { Actor } from './actor.js';

/** Who a rule names: the admin roles, the mini-program user (own rows), the operator CLI (`system`). */
export type PolicyRole = Role | 'mini_user' | 'system';

/**
 * Policies, cancan-style: each resource's file in server/policies/ says which roles may do which
 * verb to it, optionally only to records a predicate accepts, and how a refusal reads. They are
 * plain values collected by server/policies/index.ts (nothing registers itself at import). Commands
 * call `authorize()`; the admin's `isAccessible`, the API and the CLI ask the same `can()`: the
 * API as the `mini_user` actor (its own rows), the CLI as the `system` actor (actor.ts).
 */
export type Predicate<R, A = Actor> = (actor: A, record: R) => boolean;

export interface Rule {
  roles: readonly PolicyRole[];
  verbs: readonly string[];
  when?: Predicate<never>;
  /** The refusal a command throws when this rule does not let the actor in (default: a generic 403). */
  refusal?: () => AppError;
}

export interface Policy {
  resource: string;
  rules: readonly Rule[];
}

export const EVERYONE: readonly Role[] = ['super_admin', 'agent_admin', 'agent'];
export const ADMINS: readonly Role[] = ['super_admin', 'agent_admin'];
export const AGENTS: readonly Role[] = ['agent_admin', 'agent'];
export const SUPER: readonly Role[] = ['super_admin'];
/** The mini-program user, on their own rows (see `ownRow`). */
export const MINI_USER: readonly PolicyRole[] = ['mini_user'];
/** The operator CLI. */
export const SYSTEM: readonly PolicyRole[] = ['system'];

/** A row the acting mini-program user owns (`userId` is theirs). */
export const ownRow: Predicate<{ userId: string | number }, { id: number | string }> = (actor, row) => String(row.userId) === String(actor.id);

/** `allow(SUPER, 'review', { refusal })`: these roles may do these verbs (to records `when` accepts). */
export function allow<R = never, A = Actor>(
  roles: readonly PolicyRole[],
  verbs: string | readonly string[],
  options: { when?: Predicate<R, A>; refusal?: () => AppError } = {},
): Rule {
  return { roles, verbs: typeof verbs === 'string' ? [verbs] : verbs, when: options.when as Predicate<never> | undefined, refusal: options.refusal };
}

export const definePolicy = (resource: string, ...rules: Rule[]): Policy => ({ resource, rules });

/** A refusal with its own message (in both languages), reason and code. */
export const refusal = (message: Localized, reason = 'FORBIDDEN', code = 1403) => () => forbidden(message, reason, code);
