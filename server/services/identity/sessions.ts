import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../../db/index.js';

/**
 * Ends every server-side session of `userId` (all web processes share the `admin_sessions` store),
 * except `keepSid` (the session making the change, if any). Returns how many ended.
 */
export async function endUserSessions(userId: number, options: { keepSid?: string | null; transaction?: Transaction } = {}): Promise<number> {
  const rows = await db().query<{ sid: string }>(
    `DELETE FROM admin_sessions WHERE (sess -> 'adminUser' ->> 'id') = :userId AND sid <> :keepSid RETURNING sid`,
    {
      replacements: { userId: String(userId), keepSid: options.keepSid ?? '' },
      type: QueryTypes.SELECT,
      transaction: options.transaction,
    },
  );
  return rows.length;
}
