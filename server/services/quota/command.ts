import { randomUUID } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import { inTransaction } from '../../db/index.js';
import { say } from '../../i18n.js';
import { badRequest, unauthorized, isAppError } from '../../errors.js';
import { AdminUser, QuotaLedgerEntry } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { usernameIs, type Role } from '../identity/createAdminUser.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { normalize, parseAmount } from './amount.js';
import { accountFrozen } from './refusals.js';

/** What every quota command receives besides its own input: who acts, from where, and an optional retry key. */
export interface CommandMeta {
  actor: Actor;
  ip?: string | null;
  /** The same key sent twice by the same actor for the same command runs the command once and replays its result. */
  idempotencyKey?: string | null;
}

const KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Namespaces a client key by actor and command so two users (or two commands) can never collide. */
export function scopedIdempotencyKey(meta: CommandMeta, command: string): string | null {
  const key = meta.idempotencyKey;
  if (key == null || key === '') return null;
  if (!KEY.test(key)) throw badRequest(say('幂等键格式不正确（1-64 位字母、数字或 _.:-）', 'Malformed idempotency key (1-64 letters, digits or _.:-)'), 'INVALID_IDEMPOTENCY_KEY', 5008);
  return `${meta.actor.id}:${command}:${key}`;
}

const isDuplicate = (err: unknown): boolean =>
  (err as { name?: string }).name === 'SequelizeUniqueConstraintError' || (isAppError(err) && err.reason === 'DUPLICATE_OPERATION');

/**
 * Runs a command in one retried transaction. With a key, the command's first ledger row carries it
 * (unique in the ledger); a repeat — even one racing the first — gets the first run's result. That
 * includes a repeat refused because the first run, committed while it waited for the lock, already
 * changed what it checks (e.g. "not pending any more").
 */
export async function runCommand<T>(
  key: string | null,
  work: (t: Transaction) => Promise<T>,
  replay: (entry: QuotaLedgerEntry) => Promise<T>,
): Promise<T> {
  if (key) {
    const prior = await QuotaLedgerEntry.findOne({ where: { idempotencyKey: key } });
    if (prior) return replay(prior);
  }
  try {
    return await inTransaction(work);
  } catch (err) {
    if (key && (isDuplicate(err) || isAppError(err))) {
      const prior = await QuotaLedgerEntry.findOne({ where: { idempotencyKey: key } });
      if (prior) return replay(prior);
    }
    throw err;
  }
}

export interface AccountUser {
  id: number;
  username: string;
  email: string | null;
  role: Role;
  parentId: number | null;
  status: string;
}

const USER_COLUMNS = ['id', 'username', 'email', 'role', 'parentId', 'status'] as const;

const toAccountUser = (u: AdminUser): AccountUser => ({
  id: u.id,
  username: u.username,
  email: u.email,
  role: u.role as Role,
  parentId: u.parentId,
  status: u.status,
});

export async function findUser(id: number, t: Transaction): Promise<AccountUser | null> {
  const user = await AdminUser.findByPk(id, { attributes: [...USER_COLUMNS], transaction: t });
  return user ? toAccountUser(user) : null;
}

export async function findUserByUsername(username: string, t: Transaction): Promise<AccountUser | null> {
  const user = await AdminUser.findOne({
    attributes: [...USER_COLUMNS],
    where: usernameIs(username),
    transaction: t,
  });
  return user ? toAccountUser(user) : null;
}

/**
 * The acting user as the database knows them now: a session may be older than a freeze or a role
 * change, and policy decisions must use the current row.
 */
export async function currentActor(meta: CommandMeta, t: Transaction): Promise<{ actor: Actor; user: AccountUser }> {
  const user = await findUser(Number(meta.actor.id), t);
  if (!user) throw unauthorized();
  if (user.status === 'frozen') throw accountFrozen('您的');
  if (user.status !== 'active') throw unauthorized('账户尚未激活');
  return { actor: { id: user.id, role: user.role, parentId: user.parentId }, user };
}

/**
 * Locks the quota accounts of `userIds` in ascending id order — the same order the ledger primitive
 * uses — so commands touching the same users queue behind each other instead of deadlocking, and
 * checks made after the lock (burst counts, statuses) cannot be raced.
 */
export async function lockAccounts(userIds: number[], t: Transaction): Promise<void> {
  const ids = [...new Set(userIds)].sort((a, b) => a - b);
  await QuotaLedgerEntry.sequelize!.query('SELECT user_id FROM quota_accounts WHERE user_id IN (:ids) ORDER BY user_id FOR UPDATE', {
    replacements: { ids },
    type: QueryTypes.SELECT,
    transaction: t,
  });
}

/** Validates an amount against the configured per-operation maximum and an optional configured minimum. */
export async function validAmount(input: unknown, label: string, min?: number): Promise<string> {
  const max = normalize(await getSetting('quota.amount_max'));
  return parseAmount(input, { label, max, min: min === undefined ? undefined : normalize(min) });
}

export const newReference = (): string => randomUUID();
