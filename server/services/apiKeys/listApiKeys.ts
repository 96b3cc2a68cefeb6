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

/** The owner's keys, most recently used first (never used last), with live usage counters. */
export async function listApiKeys(userId: string, query: ListApiKeysQuery, now: Date = new Date()): Promise<Page<ApiKeyView>> {
  const filters: string[] = [];
  const replacements: Record<string, unknown> = { userId, limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
  if (query.name) {
    filters.push(`name ILIKE :name`);
    replacements.name = `%${escapeLike(query.name)}%`;
  }
  if (query.status) {
    filters.push(`state = :state`);
    replacements.state = query.status;
  }
  const keys = `
    WITH keys AS (
      SELECT k.*, u.total_points, ${STATE_SQL} AS state
        FROM meta_auth_key k JOIN meta_user u ON u.id = k.user_id
       WHERE k.user_id = :userId AND k.deleted_at IS NULL)
    SELECT * FROM keys ${filters.length ? `WHERE ${filters.join(' AND ')}` : ''}`;
  const [[{ total }], rows] = await Promise.all([
    db().query<{ total: number }>(`SELECT count(*)::int AS total FROM (${keys}) page`, { replacements, type: QueryTypes.SELECT }),
    db().query<Row>(`${keys} ORDER BY last_used_at DESC NULLS LAST, created_at DESC, id LIMIT :limit OFFSET :offset`, {
      replacements,
      type: QueryTypes.SELECT,
    }),
  ]) as [[{ total: number }], Row[]];

  const ids = rows.map((r) => r.id);
  const scopes = ids.length
    ? await db().query<{ api_key_id: string; id: number; name: string }>(
        `SELECT s.api_key_id, a.id, a.name FROM api_key_scopes s JOIN api_catalog a ON a.id = s.api_id
          WHERE s.api_key_id IN (:ids) ORDER BY a.name`,
        { replacements: { ids }, type: QueryTypes.SELECT },
      )
    : [];
  const live = await readLiveUsage(ids, now);
  const today = businessDay(now);

  return {
    total,
    page: query.page,
    pageSize: query.pageSize,
    items: rows.map((r) => {
      const usage = live.get(r.id);
      const flushedCalls = r.calls_day === today ? r.calls_today : 0;
      const lastUsed = [r.last_used_at, usage?.lastUsedAt].filter((d): d is Date => Boolean(d)).sort((a, b) => b.getTime() - a.getTime())[0];
      return {
        id: r.id,
        name: r.name,
        prefix: r.key_prefix,
        status: r.state,
        enabled: r.status === 1,
        validityMonths: r.validity_months,
        expiresAt: r.expires_at.toISOString(),
        scopeAll: r.scope_all,
        apis: scopes.filter((s) => s.api_key_id === r.id).map((s) => ({ id: s.id, name: s.name })),
        ipWhitelist: r.ip_whitelist,
        remainingPoints: r.total_points,
        callsToday: Math.max(flushedCalls, usage?.callsToday ?? 0),
        lastUsedAt: lastUsed ? lastUsed.toISOString() : null,
        createdAt: r.created_at.toISOString(),
      };
    }),
  };
}
