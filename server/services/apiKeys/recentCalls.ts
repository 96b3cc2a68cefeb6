import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { pageOf, pageWindow, type Page } from '../../http/envelope.js';

export interface RecentCallView {
  id: string;
  at: string;
  apiName: string | null;
  keyId: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  /** true when the charge was allowed; false with `reason` (a metering deny reason) when refused. */
  allowed: boolean;
  reason: string | null;
}

/**
 * The user's recent metering calls, refused ones included, newest first — from the API call log,
 * which records every charge that named one of the user's keys (allowed or denied). Deleted keys
 * keep their name here. Rows reach the log in batches, a moment after the call.
 */
export async function listRecentCalls(userId: string, query: { page: number; pageSize: number }): Promise<Page<RecentCallView>> {
  const rows = await db().query<{
    id: string;
    created_at: Date;
    api_name: string | null;
    api_key_id: string | null;
    key_name: string | null;
    key_prefix: string | null;
    status: number;
    error_code: string | null;
    total: string;
  }>(
    `SELECT c.id, c.created_at, c.api_name, c.api_key_id, k.name AS key_name, k.key_prefix, c.status, c.error_code,
            count(*) OVER () AS total
       FROM api_call_logs c LEFT JOIN meta_auth_key k ON k.id = c.api_key_id AND k.user_id = c.mini_user_id
      WHERE c.mini_user_id = :userId
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT :limit OFFSET :offset`,
    { replacements: { userId, ...pageWindow(query) }, type: QueryTypes.SELECT },
  );
  return pageOf(
    query,
    rows[0] ? Number(rows[0].total) : 0,
    rows.map((r) => ({
      id: String(r.id),
      at: r.created_at.toISOString(),
      apiName: r.api_name,
      keyId: r.api_key_id,
      keyName: r.key_name,
      keyPrefix: r.key_prefix,
      allowed: r.status < 400 && !r.error_code,
      reason: r.error_code ?? (r.status < 400 ? null : `HTTP_${r.status}`),
    })),
  );
}
