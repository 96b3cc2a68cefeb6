import { QueryTypes } from 'sequelize';
import { db } from './index.js';

/**
 * Runs `body` while this process holds a PostgreSQL advisory lock named `key` (a transaction-level
 * lock on its own connection, held until `body` settles); returns `busy` when another process
 * holds it. A process that dies — even by SIGKILL — loses its connection and with it the lock, so
 * a row a job "claimed" (marked in progress and committed) whose lock is free was left behind by a
 * dead process: that is how delivery jobs tell "someone is sending this now" from "someone died
 * while sending this".
 */
export async function withWorkLock<T, B>(key: string, body: () => Promise<T>, busy: B): Promise<T | B> {
  const t = await db().transaction();
  try {
    const [row] = await db().query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0)) AS locked', {
      replacements: { key },
      type: QueryTypes.SELECT,
      transaction: t,
    });
    if (!row?.locked) return busy;
    return await body();
  } finally {
    await t.commit().catch(() => undefined);
  }
}
