import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../../server/db/index.js';
import type { Actor } from '../../server/policies/actor.js';
import { createProject } from '../../server/services/projects/createProject.js';
import { makeUser } from './cardKeys.js';

/**
 * Several past China business days of raw rows (card keys, verifications, quota ledger, logins,
 * operations, mini-program orders and points), written with chosen timestamps over two projects
 * and both agent admins' trees, plus the expected figures computed here from the generated rows
 * (independently of the rollup SQL). Days default to March 2026, which only the stats worlds write
 * (a suite comparing global figures such as points and orders passes days of its own).
 */

export const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'];
const H = 3600_000;
const MIRROR: Record<string, string> = { recharge_out: 'recharge_in', recharge_in: 'recharge_out', transfer_out: 'transfer_in', transfer_in: 'transfer_out' };

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The China day and hour of an instant, by plain arithmetic on UTC+8. */
export const cnDay = (t: Date) => new Date(t.getTime() + 8 * H).toISOString().slice(0, 10);
export const cnHour = (t: Date) => new Date(t.getTime() + 8 * H).getUTCHours();

export interface KeyRow { projectId: number; agentId: number; createdAt: Date; activatedAt: Date | null; expiresAt: Date | null; status: string; updatedAt: Date }
export interface VerificationRow { projectId: number; agentId: number; result: string; createdAt: Date }
export interface LedgerRow { userId: number; type: string; delta: number; createdAt: Date }
export interface LoginRow { userId: number; success: boolean; createdAt: Date }
export interface OperationRow { actorId: number; createdAt: Date }
export interface PointsRow { userId: string; type: number; change: number; createdAt: Date }
export interface OrderRow { userId: string; amount: number; createdAt: Date; paidAt: Date | null; refundedAt: Date | null }

export interface StatsWorld {
  root: Actor;
  adminA: Actor;
  adminB: Actor;
  agents: Actor[]; // a1, a2 (under A), b1, b2 (under B)
  projects: number[];
  keys: KeyRow[];
  verifications: VerificationRow[];
  ledger: LedgerRow[];
  logins: LoginRow[];
  operations: OperationRow[];
  points: PointsRow[];
  orders: OrderRow[];
  miniUsers: Array<{ id: string; createdAt: Date }>;
  /** Users whose rows an actor may see (self + own agents for an agent admin). */
  visible(actor: Actor): Set<number>;
}

async function insert(table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const values = chunk.map((r, j) => `(${r.map((_, k) => `$${j * columns.length + k + 1}`).join(', ')})`).join(', ');
    await db().query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, { bind: chunk.flat() });
  }
}

const code = () => {
  const s = randomBytes(8).toString('hex').toUpperCase();
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}`;
};

/** A random instant of `day` (UTC+8), sometimes exactly at a boundary. */
function instantOf(day: string, r: () => number): Date {
  const start = Date.parse(`${day}T00:00:00+08:00`);
  const x = r();
  if (x < 0.05) return new Date(start); // 00:00:00.000 +08 = 16:00 UTC of the day before
  if (x < 0.1) return new Date(start + 24 * H - 1); // 23:59:59.999 +08
  return new Date(start + Math.floor(r() * 24 * H));
}

export async function makeStatsWorld(tag: string, seed = 13, days: readonly string[] = DAYS): Promise<StatsWorld> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const root = await makeUser(`${tag}_root`, 'super_admin');
  const adminA = await makeUser(`${tag}_aa`, 'agent_admin');
  const adminB = await makeUser(`${tag}_ab`, 'agent_admin');
  const agents = [
    await makeUser(`${tag}_a1`, 'agent', adminA.id),
    await makeUser(`${tag}_a2`, 'agent', adminA.id),
    await makeUser(`${tag}_b1`, 'agent', adminB.id),
    await makeUser(`${tag}_b2`, 'agent', adminB.id),
  ];
  const projects: number[] = [];
  for (const name of ['alpha', 'beta']) {
    const { project } = await createProject({ name: `${tag} ${name}`, prices: [{ label: '30天', durationDays: 30, unitPrice: '2.00' }] }, root);
    projects.push(project.id);
  }
  const now = Date.now();
  const keys: KeyRow[] = [];
  const verifications: VerificationRow[] = [];
  const ledger: LedgerRow[] = [];
  const logins: LoginRow[] = [];
  const operations: OperationRow[] = [];
  const people = [adminA, adminB, ...agents];
  const ledgerTypes = ['system_recharge', 'recharge_in', 'recharge_out', 'card_key_generation', 'card_key_refund', 'transfer_out', 'transfer_in'];
  for (const day of days) {
    for (const agent of agents) {
      for (const projectId of projects) {
        const n = 2 + Math.floor(r() * 6);
        for (let i = 0; i < n; i++) {
          const createdAt = instantOf(day, r);
          const fate = r();
          let activatedAt: Date | null = null;
          let expiresAt: Date | null = null;
          let status = 'unused';
          let updatedAt = createdAt;
          if (fate < 0.5) {
            activatedAt = new Date(createdAt.getTime() + Math.floor(r() * 40 * H));
            status = 'active';
            expiresAt = new Date(activatedAt.getTime() + Math.floor(r() * 72 * H));
            if (expiresAt.getTime() < now) status = 'expired';
            updatedAt = activatedAt;
          }
          if (fate > 0.85) {
            status = 'disabled';
            updatedAt = new Date(createdAt.getTime() + Math.floor(r() * 50 * H));
          }
          keys.push({ projectId, agentId: agent.id, createdAt, activatedAt, expiresAt, status, updatedAt });
        }
        const v = Math.floor(r() * 12);
        for (let i = 0; i < v; i++) verifications.push({ projectId, agentId: agent.id, result: r() < 0.8 ? 'OK' : pick(['NOT_FOUND', 'DEVICE_MISMATCH', 'EXPIRED']), createdAt: instantOf(day, r) });
      }
    }
    for (const u of people) {
      const m = Math.floor(r() * 6);
      for (let i = 0; i < m; i++) {
        const type = pick(ledgerTypes);
        const sign = ['recharge_out', 'card_key_generation', 'transfer_out'].includes(type) ? -1 : 1;
        const row = { userId: u.id, type, delta: sign * (1 + Math.floor(r() * 5000)) / 100, createdAt: instantOf(day, r) };
        ledger.push(row);
        // An internal move has its other side (so internal moves net to zero, as reconciliation requires).
        const other = MIRROR[type];
        if (other) ledger.push({ userId: people[(people.indexOf(u) + 1) % people.length]!.id, type: other, delta: -row.delta, createdAt: row.createdAt });
      }
      const l = Math.floor(r() * 4);
      for (let i = 0; i < l; i++) logins.push({ userId: u.id, success: r() < 0.8, createdAt: instantOf(day, r) });
      const o = Math.floor(r() * 8);
      for (let i = 0; i < o; i++) operations.push({ actorId: u.id, createdAt: instantOf(day, r) });
    }
  }

  // The books stay consistent for the quota reconciliation that other suites run over the whole
  // ledger: an opening system recharge where a user would otherwise go below zero, after-values that
  // replay in id (= insertion) order, and the stored account equal to the ledger's end.
  const opening = Date.parse(`${days[0]}T00:00:00+08:00`);
  const openings: LedgerRow[] = [];
  for (const u of people) {
    let run = 0;
    let low = 0;
    for (const l of ledger) if (l.userId === u.id) low = Math.min(low, (run += Math.round(l.delta * 100)));
    if (low < 0) openings.push({ userId: u.id, type: 'system_recharge', delta: -low / 100, createdAt: new Date(opening) });
  }
  ledger.unshift(...openings);
  const balanceOf = new Map<number, number>();
  const after = ledger.map((l) => {
    const b = (balanceOf.get(l.userId) ?? 0) + Math.round(l.delta * 100);
    balanceOf.set(l.userId, b);
    return (b / 100).toFixed(2);
  });

  // Card keys need a batch per agent × project.
  const batchOf = new Map<string, number>();
  for (const agent of agents) {
    for (const projectId of projects) {
      const [row] = await db().query<{ id: string }>(
        `INSERT INTO card_key_batches (project_id, agent_id, created_by, validity_label, duration_days, unit_price, count, total_cost, status, progress)
         VALUES (:projectId, :agentId, :agentId, '30天', 30, 2, 1, 2, 'completed', 100) RETURNING id`,
        { replacements: { projectId, agentId: agent.id }, type: QueryTypes.SELECT },
      );
      batchOf.set(`${agent.id}:${projectId}`, Number(row!.id));
    }
  }
  await insert(
    'card_keys',
    ['code', 'batch_id', 'project_id', 'agent_id', 'status', 'duration_days', 'device_id', 'activated_at', 'expires_at', 'created_at', 'updated_at'],
    keys.map((k) => [code(), batchOf.get(`${k.agentId}:${k.projectId}`), k.projectId, k.agentId, k.status, 30, k.activatedAt ? `dev-${randomBytes(4).toString('hex')}` : null, k.activatedAt, k.expiresAt, k.createdAt, k.updatedAt]),
  );
  await insert('card_key_verifications', ['project_id', 'agent_id', 'code', 'device_id', 'result', 'created_at'], verifications.map((v) => [v.projectId, v.agentId, code(), 'dev', v.result, v.createdAt]));
  await insert(
    'quota_ledger',
    ['user_id', 'type', 'balance_delta', 'frozen_delta', 'balance_after', 'frozen_after', 'created_at'],
    ledger.map((l, i) => [l.userId, l.type, l.delta.toFixed(2), 0, after[i], 0, l.createdAt]),
  );
  for (const [userId, cents] of balanceOf) {
    await db().query(`UPDATE quota_accounts SET balance = balance + :amount, updated_at = now() WHERE user_id = :userId`, {
      replacements: { userId, amount: (cents / 100).toFixed(2) },
    });
  }
  await insert('login_logs', ['username', 'user_id', 'success', 'reason', 'created_at'], logins.map((l) => [`u${l.userId}`, l.userId, l.success, l.success ? 'success' : 'bad_password', l.createdAt]));
  await insert('operation_logs', ['actor_id', 'owner_id', 'action', 'resource', 'created_at'], operations.map((o) => [o.actorId, o.actorId, 'edit', 'test', o.createdAt]));

  // Mini-program side: users, orders, points ledger (global figures, super admin only).
  const [product] = await db().query<{ id: string }>(
    `INSERT INTO meta_product (name, product_type, point_amount, original_price, sale_price) VALUES (:name, 1, 100, 10, 10) RETURNING id`,
    { replacements: { name: `${tag} points` }, type: QueryTypes.SELECT },
  );
  const miniUsers: Array<{ id: string; createdAt: Date }> = [];
  for (let i = 0; i < 6; i++) {
    const createdAt = instantOf(pick(days), r);
    const [u] = await db().query<{ id: string }>(`INSERT INTO meta_user (openid, created_at) VALUES (:openid, :createdAt) RETURNING id`, {
      replacements: { openid: `${tag}-openid-${i}`, createdAt },
      type: QueryTypes.SELECT,
    });
    miniUsers.push({ id: u!.id, createdAt });
  }
  const orders: OrderRow[] = [];
  const points: PointsRow[] = [];
  for (const day of days) {
    for (let i = 0; i < 3 + Math.floor(r() * 4); i++) {
      const createdAt = instantOf(day, r);
      const paid = r() < 0.7;
      const paidAt = paid ? new Date(createdAt.getTime() + Math.floor(r() * 2 * H)) : null;
      const refundedAt = paid && r() < 0.2 ? new Date(paidAt!.getTime() + Math.floor(r() * 30 * H)) : null;
      orders.push({ userId: pick(miniUsers).id, amount: pick([10, 50, 300]), createdAt, paidAt, refundedAt });
    }
    for (let i = 0; i < 4 + Math.floor(r() * 8); i++) {
      const type = 1 + Math.floor(r() * 6);
      const change = (type === 2 || type === 3 || type === 6 ? -1 : 1) * (1 + Math.floor(r() * 500));
      points.push({ userId: pick(miniUsers).id, type, change, createdAt: instantOf(day, r) });
    }
  }
  await insert(
    'meta_order',
    ['order_no', 'user_id', 'product_id', 'original_amount', 'total_amount', 'points', 'payment_status', 'created_at', 'expires_at', 'paid_at', 'refunded_at'],
    orders.map((o, i) => [`${tag}${i}`.slice(0, 32), o.userId, product!.id, o.amount, o.amount, 100, o.refundedAt ? 3 : o.paidAt ? 1 : 2, o.createdAt, new Date(o.createdAt.getTime() + H), o.paidAt, o.refundedAt]),
  );
  await insert('purchase_record', ['user_id', 'points_change', 'remaining_points', 'operation_type', 'created_at'], points.map((p) => [p.userId, p.change, 0, p.type, p.createdAt]));

  const visible = (actor: Actor) => {
    if (actor.role === 'super_admin') return new Set(people.map((p) => p.id));
    if (actor.role === 'agent_admin') return new Set([actor.id, ...agents.filter((a) => a.parentId === actor.id).map((a) => a.id)]);
    return new Set([actor.id]);
  };
  return { root, adminA, adminB, agents, projects, keys, verifications, ledger, logins, operations, points, orders, miniUsers, visible };
}

/** Card-key figures per day computed from the generated rows (the rollup's definitions, in plain code). */
export function expectedCardKeys(w: StatsWorld, users: Set<number>, nowMs = Date.now()) {
  const out = new Map<string, { generated: number; activated: number; verified: number; expired: number; disabled: number }>();
  const at = (day: string, projectId: number, agentId: number) => {
    const k = `${day}|${projectId}|${agentId}`;
    if (!out.has(k)) out.set(k, { generated: 0, activated: 0, verified: 0, expired: 0, disabled: 0 });
    return out.get(k)!;
  };
  for (const k of w.keys) {
    if (!users.has(k.agentId)) continue;
    at(cnDay(k.createdAt), k.projectId, k.agentId).generated++;
    if (k.activatedAt) at(cnDay(k.activatedAt), k.projectId, k.agentId).activated++;
    if (k.expiresAt && k.expiresAt.getTime() < nowMs) at(cnDay(k.expiresAt), k.projectId, k.agentId).expired++;
    if (k.status === 'disabled') at(cnDay(k.updatedAt), k.projectId, k.agentId).disabled++;
  }
  for (const v of w.verifications) if (users.has(v.agentId) && v.result === 'OK') at(cnDay(v.createdAt), v.projectId, v.agentId).verified++;
  return out;
}
