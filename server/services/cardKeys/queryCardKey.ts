import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import type { ProjectCredentials } from '../projects/projectCredentials.js';

/** What the query API reveals about a key: only to the project the key belongs to. */
export async function queryCardKey(project: ProjectCredentials, code: string) {
  const rows = await db().query<{
    code: string;
    status: string;
    duration_days: number | null;
    device_id: string | null;
    project_id: number;
    activated_at: Date | null;
    bound_at: Date | null;
    expires_at: Date | null;
    unbind_count: number;
    created_at: Date;
  }>(
    // By code alone (the unique index); the project is compared here so the planner never picks the project index.
    `SELECT code, status, duration_days, device_id, project_id, activated_at, bound_at, expires_at, unbind_count, created_at
       FROM card_keys WHERE code = :code`,
    { replacements: { code }, type: QueryTypes.SELECT },
  );
  const k = rows[0];
  if (!k || k.project_id !== project.id) return null;
  const now = Date.now();
  const expired = k.status === 'expired' || ((k.status === 'active' || k.status === 'unused') && k.expires_at !== null && k.expires_at.getTime() <= now);
  return {
    card_key: k.code,
    status: expired ? 'expired' : k.status,
    bound: k.device_id !== null,
    device_id: k.device_id,
    duration_days: k.duration_days,
    permanent: k.duration_days === null,
    activated_at: k.activated_at?.toISOString() ?? null,
    bound_at: k.bound_at?.toISOString() ?? null,
    expires_at: k.expires_at?.toISOString() ?? null,
    remaining_seconds: expired ? 0 : k.expires_at ? Math.max(0, Math.floor((k.expires_at.getTime() - now) / 1000)) : null,
    unbind_count: k.unbind_count,
    created_at: k.created_at.toISOString(),
  };
}
