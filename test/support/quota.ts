import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../server/errors.js';
import { QueryTypes } from 'sequelize';
import { db } from '../../server/db/index.js';
import type { Actor } from '../../server/policies/actor.js';
import { rechargeUser } from '../../server/services/quota/rechargeUser.js';
import { createAdminUser, type Role } from '../../server/services/identity/createAdminUser.js';

/** Asserts that a command was refused with `reason` (a 4xx AppError), and its message when given. */
export async function refused(promise: Promise<unknown>, reason: string, message?: RegExp): Promise<void> {
  const err = await promise.then(() => null, (e: unknown) => e);
  assert.ok(err instanceof AppError, `expected a refusal, got ${String(err)}`);
  assert.equal(err.reason, reason);
  if (message) assert.match(err.message, message);
  assert.ok(err.status >= 400 && err.status < 500);
}

/** Usernames unique to this test run's suites: all suites share one database. */
export const uniqueName = (base: string): string => `${base}_${randomBytes(3).toString('hex')}`.slice(0, 32);

export interface TestUser extends Actor {
  username: string;
}

export async function makeUser(base: string, role: Role, parentId: number | null = null, withEmail = true): Promise<TestUser> {
  db(); // initialises the models in this module graph (the global setup may have loaded its own copy)
  const username = uniqueName(base);
  const user = await createAdminUser({
    username,
    password: 'abcd1234',
    role,
    parentId,
    email: withEmail ? `${username}@example.test` : null,
    emailVerified: true,
  });
  return { id: user.id, role, parentId, username };
}

/** The usual cast of the quota tests: a super admin; two agent admins; agents A and B under the first, C under the second. */
export interface QuotaCast {
  root: TestUser;
  admin1: TestUser;
  admin2: TestUser;
  agentA: TestUser;
  agentB: TestUser;
  agentC: TestUser;
}

export async function makeCast(prefix: string): Promise<QuotaCast> {
  const root = await makeUser(`${prefix}_root`, 'super_admin');
  const admin1 = await makeUser(`${prefix}_adm1`, 'agent_admin');
  const admin2 = await makeUser(`${prefix}_adm2`, 'agent_admin');
  const agentA = await makeUser(`${prefix}_agA`, 'agent', admin1.id);
  const agentB = await makeUser(`${prefix}_agB`, 'agent', admin1.id);
  const agentC = await makeUser(`${prefix}_agC`, 'agent', admin2.id);
  return { root, admin1, admin2, agentA, agentB, agentC };
}

export async function fund(superAdmin: Actor, target: { id: number }, amount: string): Promise<void> {
  await rechargeUser({ actor: superAdmin, targetUserId: target.id, amount });
}

export async function account(userId: number): Promise<{ balance: string; frozen: string }> {
  const [row] = await db().query<{ balance: string; frozen: string }>('SELECT balance::text, frozen::text FROM quota_accounts WHERE user_id = :userId', {
    replacements: { userId },
    type: QueryTypes.SELECT,
  });
  return row!;
}

/** Everything a refused command must leave untouched, for the given users. */
export async function snapshot(userIds: number[]): Promise<unknown> {
  const q = <T extends object>(sql: string) => db().query<T>(sql, { replacements: { ids: userIds }, type: QueryTypes.SELECT });
  return {
    accounts: await q('SELECT user_id, balance::text, frozen::text FROM quota_accounts WHERE user_id IN (:ids) ORDER BY user_id'),
    ledger: await q('SELECT COUNT(*)::int AS n, MAX(id) AS last FROM quota_ledger WHERE user_id IN (:ids)'),
    transfers: await q('SELECT id, status, updated_at FROM quota_transfers WHERE from_user_id IN (:ids) OR to_user_id IN (:ids) ORDER BY id'),
    withdrawals: await q('SELECT id, status, updated_at FROM withdrawals WHERE user_id IN (:ids) ORDER BY id'),
    notifications: await q('SELECT COUNT(*)::int AS n FROM notification_recipients WHERE user_id IN (:ids)'),
    operations: await q('SELECT COUNT(*)::int AS n FROM operation_logs WHERE owner_id IN (:ids) OR actor_id IN (:ids)'),
  };
}

/** Replays one user's ledger: the sum of deltas and the newest row's after-values. */
export async function replay(userId: number): Promise<{ balance: string; frozen: string; lastBalance: string; lastFrozen: string }> {
  const [row] = await db().query<{ balance: string; frozen: string; lastBalance: string; lastFrozen: string }>(
    `SELECT COALESCE(SUM(balance_delta), 0)::numeric(16,2)::text AS balance, COALESCE(SUM(frozen_delta), 0)::numeric(16,2)::text AS frozen,
            COALESCE((SELECT balance_after FROM quota_ledger WHERE user_id = :userId ORDER BY id DESC LIMIT 1), 0)::numeric(16,2)::text AS "lastBalance",
            COALESCE((SELECT frozen_after FROM quota_ledger WHERE user_id = :userId ORDER BY id DESC LIMIT 1), 0)::numeric(16,2)::text AS "lastFrozen"
       FROM quota_ledger WHERE user_id = :userId`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  return row!;
}

export async function latestNotification(userId: number): Promise<{ event: string; title: string; body: string } | undefined> {
  const [row] = await db().query<{ event: string; title: string; body: string }>(
    `SELECT n.event, n.title, n.body FROM notification_recipients r JOIN notifications n ON n.id = r.notification_id
      WHERE r.user_id = :userId ORDER BY r.id DESC LIMIT 1`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  return row;
}

export async function events(userId: number): Promise<string[]> {
  const rows = await db().query<{ event: string }>(
    `SELECT n.event FROM notification_recipients r JOIN notifications n ON n.id = r.notification_id WHERE r.user_id = :userId ORDER BY r.id`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.event);
}
