import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { db } from '../../db/index.js';
import type { Page } from '../../http/envelope.js';
import { businessDay, readLiveUsage } from './usage.js';

export const API_KEY_STATES = ['active', 'disabled', 'expired', 'out_of_points'] as const;
export type ApiKeyState = (typeof API_KEY_STATES)[number];

/**
 * One status per key, first match wins: disabled by its owner (or an admin), past its expiry, its
 * owner has no points left, else active.
 */
const STATE_SQL = `CASE WHEN k.status <> 1 THEN 'disabled'
                        WHEN k.expires_at <= now() THEN 'expired'
                        WHEN u.total_points <= 0 THEN 'out_of_points'
                        ELSE 'active' END`;

export interface ApiKeyView {
  id: string;
  name: string;
  /** Display prefix; the rest of the key is never shown again after creation. */
  prefix: string;
  status: ApiKeyState;
  enabled: boolean;
  validityMonths: number;
  expiresAt: string;
  scopeAll: boolean;
  apis: Array<{ id: number; name: string }>;
  ipWhitelist: string[];
  /** The owner's points balance: every key of a user draws on the same points. */
  remainingPoints: number;
  callsToday: number;
  lastUsedAt: string | null;
  createdAt: string;
}

export const listApiKeysQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(API_KEY_STATES).optional(),
  name: z.string().trim().max(20).optional(),
});
export type ListApiKeysQuery = z.infer<typeof listApiKeysQuery>;

interface Row {
  id: string;
  name: string;
  key_prefix: string;
  status: number;
  state: ApiKeyState;
  validity_months: number;
  scope_all: boolean;
  ip_whitelist: string[];
  expires_at: Date;
  last_used_at: Date | null;
  calls_today: number;
  calls_day: string | null;
  created_at: Date;
  total_points: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The owner's keys, most recently used first (never used last), with live usage counters.
 * A user holds at most MAX_KEYS_PER_USER live keys, so all matching rows are read, merged with the
 * live Redis counters (fresher than the worker's last flush) and sorted and paged here.
 */
export async function listApiKeys(userId: string, query: ListApiKeysQuery & { id?: string }, now: Date = new Date()): Promise<Page<ApiKeyView>> {
  const filters: string[] = [];
  const replacements: Record<string, unknown> = { userId };
  if (query.id) {
    filters.push('id = :id');
    replacements.id = query.id;
  }
  if (query.name) {
    filters.push(`name ILIKE :name`);
    replacements.name = `%${escapeLike(query.name)}%`;
  }
  if (query.status) {
    filters.push(`state = :state`);
    replacements.state = query.status;
  }
  const rows = await db().query<Row>(
    `WITH keys AS (
       SELECT k.*, u.total_points, ${STATE_SQL} AS state
         FROM meta_auth_key k JOIN meta_user u ON u.id = k.user_id
        WHERE k.user_id = :userId AND k.deleted_at IS NULL)
     SELECT * FROM keys ${filters.length ? `WHERE ${filters.join(' AND ')}` : ''}`,
    { replacements, type: QueryTypes.SELECT },
  );
  const live = await readLiveUsage(
    rows.map((r) => r.id),
    now,
  );
  const today = businessDay(now);
  const views = rows.map((r) => {
    const usage = live.get(r.id);
    const flushedCalls = r.calls_day === today ? r.calls_today : 0;
    const lastUsed = Math.max(r.last_used_at?.getTime() ?? 0, usage?.lastUsedAt?.getTime() ?? 0);
    return {
      id: r.id,
      name: r.name,
      prefix: r.key_prefix,
      status: r.state,
      enabled: r.status === 1,
      validityMonths: r.validity_months,
      expiresAt: r.expires_at.toISOString(),
      scopeAll: r.scope_all,
      apis: [] as Array<{ id: number; name: string }>,
      ipWhitelist: r.ip_whitelist,
      remainingPoints: r.total_points,
      callsToday: Math.max(flushedCalls, usage?.callsToday ?? 0),
      lastUsedAt: lastUsed ? new Date(lastUsed).toISOString() : null,
      createdAt: r.created_at.toISOString(),
    };
  });
  views.sort(
    (a, b) =>
      (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? '') || b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
  );
  const items = views.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
  if (items.length) {
    const scopes = await db().query<{ api_key_id: string; id: number; name: string }>(
      `SELECT s.api_key_id, a.id, a.name FROM api_key_scopes s JOIN api_catalog a ON a.id = s.api_id
        WHERE s.api_key_id IN (:ids) ORDER BY a.name`,
      { replacements: { ids: items.map((i) => i.id) }, type: QueryTypes.SELECT },
    );
    for (const item of items) item.apis = scopes.filter((s) => s.api_key_id === item.id).map((s) => ({ id: s.id, name: s.name }));
  }
  return { total: views.length, page: query.page, pageSize: query.pageSize, items };
}
