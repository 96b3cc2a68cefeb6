import { QueryTypes } from 'sequelize';
import { db } from '../server/db/index.js';
import { actorFromSession } from '../server/policies/access.js';
import { visibleUserIdsSql, type Actor } from '../server/policies/actor.js';

export interface DashboardFigure {
  key: string;
  value: string | number;
  money?: boolean;
}

async function one<T extends Record<string, unknown>>(sql: string, replacements: Record<string, unknown> = {}): Promise<T> {
  const [row] = await db().query<T>(sql, { replacements, type: QueryTypes.SELECT });
  return row!;
}

/** Figures for the actor's landing page, each computed inside the actor's row scope. */
async function dashboardFigures(actor: Actor): Promise<DashboardFigure[]> {
  const id = actor.id;
  if (actor.role === 'super_admin') {
    const r = await one<Record<string, string>>(`
      SELECT (SELECT count(*) FROM admin_users WHERE role = 'agent_admin') AS agent_admins,
             (SELECT count(*) FROM admin_users WHERE role = 'agent') AS agents,
             (SELECT coalesce(sum(balance), 0) FROM quota_accounts) AS quota_total,
             (SELECT count(*) FROM quota_transfers WHERE status = 'pending_review') AS transfers_pending,
             (SELECT count(*) FROM withdrawals WHERE status = 'pending') AS withdrawals_pending,
             (SELECT count(*) FROM meta_user) AS mini_users,
             (SELECT count(*) FROM meta_order WHERE payment_status = 1) AS paid_orders`);
    return [
      { key: 'agentAdmins', value: Number(r.agent_admins) },
      { key: 'agents', value: Number(r.agents) },
      { key: 'quotaTotal', value: r.quota_total!, money: true },
      { key: 'transfersPending', value: Number(r.transfers_pending) },
      { key: 'withdrawalsPending', value: Number(r.withdrawals_pending) },
      { key: 'miniUsers', value: Number(r.mini_users) },
      { key: 'paidOrders', value: Number(r.paid_orders) },
    ];
  }
  const visible = visibleUserIdsSql(actor)!;
  const account = await one<{ balance: string; frozen: string }>(
    `SELECT coalesce(max(balance), 0) AS balance, coalesce(max(frozen), 0) AS frozen FROM quota_accounts WHERE user_id = :id`,
    { id },
  );
  if (actor.role === 'agent_admin') {
    const r = await one<Record<string, string>>(
      `SELECT (SELECT count(*) FROM admin_users WHERE parent_id = :id) AS agents,
              (SELECT coalesce(sum(balance), 0) FROM quota_accounts WHERE user_id IN (SELECT id FROM admin_users WHERE parent_id = :id)) AS agents_quota,
              (SELECT count(*) FROM withdrawals WHERE status = 'pending' AND user_id IN ${visible}) AS withdrawals_pending,
              (SELECT count(*) FROM project_applications WHERE status = 'pending' AND agent_id IN ${visible}) AS applications_pending,
              (SELECT count(*) FROM card_keys WHERE agent_id IN ${visible}) AS card_keys`,
      { id },
    );
    return [
      { key: 'balance', value: account.balance, money: true },
      { key: 'frozen', value: account.frozen, money: true },
      { key: 'myAgents', value: Number(r.agents) },
      { key: 'agentsQuota', value: r.agents_quota!, money: true },
      { key: 'withdrawalsPending', value: Number(r.withdrawals_pending) },
      { key: 'applicationsPending', value: Number(r.applications_pending) },
      { key: 'cardKeys', value: Number(r.card_keys) },
    ];
  }
  const r = await one<Record<string, string>>(
    `SELECT (SELECT count(*) FROM card_keys WHERE agent_id = :id) AS card_keys,
            (SELECT count(*) FROM card_keys WHERE agent_id = :id AND status = 'active') AS active_keys,
            (SELECT count(*) FROM project_authorizations WHERE agent_id = :id AND status = 'active'
                AND (expires_at IS NULL OR expires_at > now())) AS projects`,
    { id },
  );
  return [
    { key: 'balance', value: account.balance, money: true },
    { key: 'frozen', value: account.frozen, money: true },
    { key: 'cardKeys', value: Number(r.card_keys) },
    { key: 'activeKeys', value: Number(r.active_keys) },
    { key: 'authorizedProjects', value: Number(r.projects) },
  ];
}

/** AdminJS dashboard handler (GET /admin/api/dashboard). */
export async function dashboardHandler(_request: unknown, _response: unknown, context: { currentAdmin?: unknown }) {
  const actor = actorFromSession(context.currentAdmin);
  if (!actor) return { role: null, username: '', figures: [] };
  const username = (context.currentAdmin as { username?: string }).username ?? '';
  return { role: actor.role, username, figures: await dashboardFigures(actor) };
}
