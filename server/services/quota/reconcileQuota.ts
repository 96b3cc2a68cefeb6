import { QueryTypes, type Sequelize } from 'sequelize';
import { say } from '../../i18n.js';
import { z } from 'zod';
import { db } from '../../db/index.js';
import { logger } from '../../logger.js';
import { SystemLog } from '../../models/index.js';
import { notifyUsers } from '../notifications/notifyUsers.js';
import { superAdminIds } from './transferQuota.js';
import { defineJob } from '../../queues/defineJob.js';

export interface QuotaMismatch {
  userId: number;
  username: string;
  storedBalance: string;
  storedFrozen: string;
  /** Sum of the user's ledger deltas. */
  ledgerBalance: string;
  ledgerFrozen: string;
  /** After-values on the user's newest ledger row (0.00 with no rows). */
  lastBalanceAfter: string;
  lastFrozenAfter: string;
  /** The first ledger row whose after-values differ from the running sum of deltas up to it, if any. */
  firstBrokenEntryId: number | null;
}

export interface ReconcileResult {
  checkedAccounts: number;
  mismatches: QuotaMismatch[];
  /**
   * Ledger rows of internal moves (recharges between users, transfers, freezes) must net to zero
   * over the whole ledger: quota is only created by system recharges and destroyed by spending and
   * paid withdrawals. Non-zero means a row was altered or one side of a move is missing.
   */
  internalMovesNet: string;
}

const INTERNAL_TYPES = [
  'recharge_out',
  'recharge_in',
  'transfer_freeze',
  'transfer_unfreeze',
  'transfer_out',
  'transfer_in',
  'withdrawal_freeze',
  'withdrawal_unfreeze',
];

/**
 * Replays every user's ledger against their stored account. Per user, the ledger rows in id order
 * are the order the changes were applied (each change holds the account row lock while its row is
 * written), so each row's after-values must equal the running sum of deltas, and the last must
 * equal the stored balance and frozen amount. Any difference is an alert: a system_logs row and a
 * notification to every super admin.
 */
export async function reconcileQuota(options: { sequelize?: Sequelize; alert?: boolean } = {}): Promise<ReconcileResult> {
  // Another database (a restored backup) is checked and reported to the caller, without alerting here.
  const sequelize = options.sequelize ?? db();
  const mismatches = await sequelize.query<QuotaMismatch>(
    `WITH running AS (
       SELECT l.id, l.user_id, l.balance_after, l.frozen_after,
              SUM(l.balance_delta) OVER w AS run_balance,
              SUM(l.frozen_delta) OVER w AS run_frozen,
              ROW_NUMBER() OVER (PARTITION BY l.user_id ORDER BY l.id DESC) AS from_end
         FROM quota_ledger l
       WINDOW w AS (PARTITION BY l.user_id ORDER BY l.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
     ),
     per_user AS (
       SELECT user_id,
              SUM(CASE WHEN from_end = 1 THEN run_balance END) AS ledger_balance,
              SUM(CASE WHEN from_end = 1 THEN run_frozen END) AS ledger_frozen,
              SUM(CASE WHEN from_end = 1 THEN balance_after END) AS last_balance_after,
              SUM(CASE WHEN from_end = 1 THEN frozen_after END) AS last_frozen_after,
              MIN(CASE WHEN balance_after <> run_balance OR frozen_after <> run_frozen THEN id END) AS first_broken
         FROM running GROUP BY user_id
     )
     SELECT COALESCE(a.user_id, p.user_id) AS "userId",
            COALESCE(u.username, '') AS username,
            COALESCE(a.balance, 0)::text AS "storedBalance",
            COALESCE(a.frozen, 0)::text AS "storedFrozen",
            COALESCE(p.ledger_balance, 0)::numeric(16,2)::text AS "ledgerBalance",
            COALESCE(p.ledger_frozen, 0)::numeric(16,2)::text AS "ledgerFrozen",
            COALESCE(p.last_balance_after, 0)::numeric(16,2)::text AS "lastBalanceAfter",
            COALESCE(p.last_frozen_after, 0)::numeric(16,2)::text AS "lastFrozenAfter",
            p.first_broken AS "firstBrokenEntryId"
       FROM quota_accounts a
       FULL JOIN per_user p ON p.user_id = a.user_id
       LEFT JOIN admin_users u ON u.id = COALESCE(a.user_id, p.user_id)
      WHERE a.user_id IS NULL
         OR COALESCE(p.ledger_balance, 0) <> a.balance OR COALESCE(p.ledger_frozen, 0) <> a.frozen
         OR COALESCE(p.last_balance_after, 0) <> a.balance OR COALESCE(p.last_frozen_after, 0) <> a.frozen
         OR p.first_broken IS NOT NULL
      ORDER BY 1`,
    { type: QueryTypes.SELECT },
  );
  const [{ accounts, net }] = await sequelize.query<{ accounts: number; net: string }>(
    `SELECT (SELECT COUNT(*) FROM quota_accounts)::int AS accounts,
            (SELECT COALESCE(SUM(balance_delta + frozen_delta), 0) FROM quota_ledger WHERE type IN (:types))::numeric(16,2)::text AS net`,
    { type: QueryTypes.SELECT, replacements: { types: INTERNAL_TYPES } },
  ) as [{ accounts: number; net: string }];
  const result: ReconcileResult = { checkedAccounts: accounts, mismatches, internalMovesNet: net };
  if ((options.alert ?? true) && (mismatches.length > 0 || net !== '0.00')) await raiseAlert(result);
  return result;
}

async function raiseAlert(result: ReconcileResult): Promise<void> {
  const names = result.mismatches.slice(0, 20).map((m) => `${m.username || m.userId}`).join('、');
  const parts = [
    result.mismatches.length > 0 ? `${result.mismatches.length} 个账户的额度与流水不一致（${names}${result.mismatches.length > 20 ? ' 等' : ''}）` : null,
    result.internalMovesNet !== '0.00' ? `内部划转流水合计不为零（${result.internalMovesNet}）` : null,
  ].filter(Boolean);
  const message = `额度对账发现异常：${parts.join('；')}`;
  const partsEn = [
    result.mismatches.length > 0 ? `${result.mismatches.length} account(s) whose quota does not match their ledger (${names.replaceAll('、', ', ')}${result.mismatches.length > 20 ? ' …' : ''})` : null,
    result.internalMovesNet !== '0.00' ? `internal moves do not sum to zero (${result.internalMovesNet})` : null,
  ].filter(Boolean);
  logger().error({ source: 'quota.reconcile', mismatches: result.mismatches, internalMovesNet: result.internalMovesNet }, message);
  await SystemLog.create({
    level: 'alert',
    source: 'quota.reconcile',
    message,
    context: { mismatches: result.mismatches, internalMovesNet: result.internalMovesNet, checkedAccounts: result.checkedAccounts },
  });
  await notifyUsers({
    userIds: await superAdminIds(),
    event: 'quota.reconcile_mismatch',
    title: say('额度对账异常', 'Quota reconciliation found a mismatch'),
    body: say(`${message}。请在系统日志中查看详情。`, `Quota reconciliation found: ${partsEn.join('; ')}. See the system log for details.`),
  });
}

export const reconcileQuotaJob = defineJob({
  name: 'quota.reconcile',
  queue: 'maintenance',
  description: 'Replay every quota ledger against the stored balances; mismatches raise an alert to super admins',
  schedule: { cron: '30 3 * * *' },
  data: z.object({}).default({}),
  // A mismatch is reported (system log alert + notification), not retried: replaying again finds the same thing.
  run: async () => {
    const result = await reconcileQuota();
    return { checkedAccounts: result.checkedAccounts, mismatches: result.mismatches.length, internalMovesNet: result.internalMovesNet };
  },
});
