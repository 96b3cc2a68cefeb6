import { db } from '../../server/db/index.js';

/** Empties every application table (not the migration bookkeeping), for suites that need a clean slate. */
export async function truncateAll(): Promise<void> {
  const [rows] = await db().query(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('sequelize_meta', 'sequelize_data')`,
  );
  const tables = (rows as Array<{ tablename: string }>).map((r) => `"${r.tablename}"`).join(', ');
  if (tables) await db().query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
}
