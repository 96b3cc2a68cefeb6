import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { config } from '../../config.js';
import { db } from '../../db/index.js';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';
import { LogArchive } from '../../models/index.js';
import { defineJob } from '../../queues/defineJob.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { decryptStream, encryptStream } from './cipher.js';
import { backupDir, meter } from './backupFiles.js';

/**
 * Log rows older than the retention (setting basic.log_retention_days, 90 by
 * default) leave the hot tables into one file per table and month (Asia/Shanghai months):
 * JSON lines, gzip, then the backup cipher under BACKUP_KEY. The file is written and recorded in
 * `log_archives` before any row is deleted; deletion runs in small batches so no lock is held for
 * long and the verification path never waits. Rollup tables (daily_*) are not logs and stay.
 * Emails and callbacks still queued or pending are not logs yet and stay too.
 */
export const LOG_TABLES: ReadonlyArray<{ table: string; extra?: string }> = [
  { table: 'operation_logs' },
  { table: 'login_logs' },
  { table: 'system_logs' },
  { table: 'api_call_logs' },
  { table: 'card_key_verifications' },
  { table: 'email_messages', extra: `status IN ('sent', 'failed')` },
  { table: 'callback_deliveries', extra: `status IN ('delivered', 'failed')` },
];

const READ_BATCH = 2000;
const DELETE_BATCH = 1000;

export async function archiveDir(): Promise<string> {
  const dir = path.join(await backupDir(), 'log-archives');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Rows of one table and month, read in id order by keyset pages (constant memory). */
async function* monthRows(table: string, where: string, replacements: Record<string, unknown>, seen: { first: number | null; last: number | null; count: number }) {
  let after = 0;
  for (;;) {
    const rows = await db().query<Record<string, unknown> & { id: number }>(`SELECT * FROM ${table} WHERE ${where} AND id > :after ORDER BY id LIMIT ${READ_BATCH}`, {
      type: QueryTypes.SELECT,
      replacements: { ...replacements, after },
    });
    if (rows.length === 0) return;
    for (const row of rows) {
      seen.first ??= row.id;
      seen.last = row.id;
      seen.count++;
      yield `${JSON.stringify(row)}\n`;
    }
    after = rows.at(-1)!.id;
  }
}

export async function archiveLogs(now = new Date()): Promise<{ archives: LogArchive[]; deleted: number }> {
  const days = await getSetting('basic.log_retention_days');
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const dir = await archiveDir();
  const archives: LogArchive[] = [];
  let deleted = 0;
  for (const { table, extra } of LOG_TABLES) {
    const old = `created_at < :cutoff${extra ? ` AND ${extra}` : ''}`;
    const months = await db().query<{ month: string }>(
      `SELECT DISTINCT to_char(date_trunc('month', created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') AS month FROM ${table} WHERE ${old} ORDER BY 1`,
      { type: QueryTypes.SELECT, replacements: { cutoff } },
    );
    for (const { month } of months) {
      const where = `${old} AND created_at >= (CAST(:month AS timestamp) AT TIME ZONE 'Asia/Shanghai') AND created_at < ((CAST(:month AS timestamp) + interval '1 month') AT TIME ZONE 'Asia/Shanghai')`;
      const replacements = { cutoff, month };
      const fileName = `${table}-${month.slice(0, 7)}-${now.getTime().toString(36)}.jsonl.gz.enc`;
      const file = path.join(dir, fileName);
      const seen = { first: null as number | null, last: null as number | null, count: 0 };
      const stored = meter();
      try {
        await pipeline(Readable.from(monthRows(table, where, replacements, seen)), createGzip(), encryptStream(config().BACKUP_KEY), stored, createWriteStream(`${file}.partial`, { mode: 0o600 }));
        await rename(`${file}.partial`, file);
      } catch (err) {
        await rm(`${file}.partial`, { force: true });
        throw err;
      }
      if (seen.count === 0) {
        await rm(file, { force: true });
        continue;
      }
      archives.push(
        await LogArchive.create({ tableName: table, month, rowCount: seen.count, firstId: seen.first, lastId: seen.last, fileName, sizeBytes: stored.bytes(), sha256: stored.sha256() }),
      );
      // Only rows that went into the file (id ≤ last archived id) are deleted, a batch at a time.
      for (;;) {
        const [, result] = (await db().query(
          `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${where} AND id BETWEEN :first AND :last ORDER BY id LIMIT ${DELETE_BATCH})`,
          { replacements: { ...replacements, first: seen.first, last: seen.last } },
        )) as [unknown, { rowCount?: number }];
        const n = result?.rowCount ?? 0;
        deleted += n;
        if (n < DELETE_BATCH) break;
        await new Promise((r) => setImmediate(r));
      }
    }
  }
  return { archives, deleted };
}

/** Writes an archive's JSON lines to `out` (a file name in the archive folder, or a path). */
export async function readArchive(file: string, out: Writable): Promise<void> {
  const full = file.includes('/') ? path.resolve(file) : path.join(await archiveDir(), file);
  try {
    await pipeline(createReadStream(full), decryptStream(config().BACKUP_KEY), createGunzip(), out, { end: out !== process.stdout });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw badRequest(say(`归档文件 ${file} 不存在`, `archive file ${file} does not exist`), 'ARCHIVE_NOT_FOUND');
    throw err;
  }
}

export const archiveLogsJob = defineJob({
  name: 'logs.archive',
  queue: 'maintenance',
  description: 'Archive log rows older than basic.log_retention_days by month (gzip + encrypted JSONL), delete them in small batches',
  schedule: { cron: '30 4 * * *', tz: 'Asia/Shanghai' },
  data: z.object({}).default({}),
  run: async () => {
    const { archives, deleted } = await archiveLogs();
    return { files: archives.length, deleted };
  },
});
