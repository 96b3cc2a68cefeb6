import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { config } from '../../config.js';
import { withWorkLock } from '../../db/workLock.js';
import { conflict } from '../../errors.js';
import { say } from '../../i18n.js';
import { Backup } from '../../models/index.js';
import { defineJob } from '../../queues/defineJob.js';
import { encryptStream } from './cipher.js';
import { backupDir, backupPath, decryptedReadable, decryptFile, meter, parseInput, reportBackupEvent } from './backupFiles.js';
import { libpqConnection, pgBinary, publicTables, spawnTool } from './pgTools.js';
import { applyRetention } from './retention.js';

export const BACKUP_KINDS = ['daily', 'weekly', 'monthly', 'manual'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

/** The input of every way to make a backup (CLI, admin 立即备份, job). */
export const createBackupInput = z.object({
  kind: z.enum(BACKUP_KINDS).default('manual'),
  actorId: z.number().int().positive().nullable().default(null),
});
export type CreateBackupInput = z.input<typeof createBackupInput>;

const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has no daylight saving time

/** The kind of the scheduled backup taken at `now`: the 1st of a month (Shanghai) is monthly, a Sunday weekly, else daily. */
export function scheduledKind(now: Date): Exclude<BackupKind, 'manual'> {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  if (local.getUTCDate() === 1) return 'monthly';
  if (local.getUTCDay() === 0) return 'weekly';
  return 'daily';
}

function stamp(now: Date): string {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

const PROGRESS_EVERY_BYTES = 8 * 1024 * 1024;

/**
 * Takes a full backup: `pg_dump -Fc` → encryption (cipher.ts) → SHA-256 → BACKUP_DIR, with no
 * plaintext on disk, then verifies it (decrypt + `pg_restore --list`, every table present).
 * The row goes running → verified | failed; a failure is logged and emailed to the super admins.
 * Resolves with the row in either final state (never rejects for a failed backup).
 */
export async function createBackup(raw: CreateBackupInput = {}, now = new Date()): Promise<Backup> {
  const input = parseInput(createBackupInput, raw);
  // One backup at a time, under a work lock that dies with its process: a row still `running` while
  // we hold the lock was left by a process killed mid-backup.
  const made = await withWorkLock('backups.create', async () => {
    await markInterruptedBackups();
    return takeBackup(input, now);
  }, null);
  if (!made) throw conflict(say('另一个备份正在进行，请稍后再试', 'Another backup is running; try again later'), 'BACKUP_RUNNING');
  return made;
}

export const INTERRUPTED_BACKUP = 'interrupted: the process making this backup stopped before it finished (no file was kept)';

/** Backups left `running` by a process that died: failed, their partial or unverified file removed. */
async function markInterruptedBackups(): Promise<number> {
  const stale = await Backup.findAll({ where: { status: 'running' } });
  const dir = await backupDir();
  for (const b of stale) {
    const file = backupPath(dir, b.fileName);
    await rm(`${file}.partial`, { force: true });
    await rm(file, { force: true });
    await b.update({ status: 'failed', phase: null, error: INTERRUPTED_BACKUP });
  }
  return stale.length;
}

async function takeBackup(input: z.output<typeof createBackupInput>, now: Date): Promise<Backup> {
  const dir = await backupDir();
  const fileName = `seahorse-${stamp(now)}-${input.kind}-${randomBytes(3).toString('hex')}.dump.enc`;
  const file = backupPath(dir, fileName);
  const partial = `${file}.partial`;
  const backup = await Backup.create({
    fileName, kind: input.kind, status: 'running', phase: 'dumping', progressBytes: 0, createdBy: input.actorId, createdAt: now, updatedAt: now,
  });
  try {
    const tables = await publicTables(config().DATABASE_URL);
    let reported = 0;
    const stored = await writeEncryptedDump(partial, (bytes) => {
      if (bytes - reported < PROGRESS_EVERY_BYTES) return;
      reported = bytes;
      void Backup.update({ progressBytes: bytes }, { where: { id: backup.id, status: 'running' } }).catch(() => undefined);
    });
    await rename(partial, file);
    await backup.update({ sha256: stored.sha256, sizeBytes: stored.size, progressBytes: stored.size, phase: 'verifying' });
    const tableCount = await verifyBackupFile(file, tables);
    await backup.update({ status: 'verified', phase: null, verifiedAt: new Date(), tableCount });
  } catch (err) {
    await rm(partial, { force: true });
    await rm(file, { force: true });
    const message = (err as Error).message.slice(0, 2000);
    await backup.update({ status: 'failed', phase: null, error: message });
    await reportBackupEvent('error', 'backups.create', `备份 #${backup.id} 失败：${message}`, { backupId: backup.id, kind: input.kind }, {
      subject: `备份失败 / Backup failed: #${backup.id}`,
      paragraphs: [`备份 #${backup.id}（${input.kind}）失败，数据库没有新的备份。`, `Backup #${backup.id} (${input.kind}) failed; no new backup was stored.`, message],
    });
  }
  return backup;
}

/** `pg_dump -Fc` of the live database → encryption → SHA-256 → `file`; the dump never exists in plaintext outside the pipe. */
export async function writeEncryptedDump(file: string, onProgress?: (bytes: number) => void): Promise<{ sha256: string; size: number }> {
  const url = config().DATABASE_URL;
  const { args, env } = libpqConnection(url);
  const dump = spawnTool(await pgBinary(url, 'pg_dump'), ['--format=custom', ...args], env);
  const stored = meter(onProgress);
  await Promise.all([pipeline(dump.child.stdout!, encryptStream(config().BACKUP_KEY), stored, createWriteStream(file, { mode: 0o600 })), dump.exited]);
  return { sha256: stored.sha256(), size: stored.bytes() };
}

/**
 * Decrypts `file` (authenticating every chunk and the final marker) into `pg_restore --list` and
 * checks that every table in `tables` has its definition and its data in the table of contents.
 * Returns the number of tables found; throws with the missing ones.
 */
export async function verifyBackupFile(file: string, tables: readonly string[]): Promise<number> {
  const url = config().DATABASE_URL;
  const list = spawnTool(await pgBinary(url, 'pg_restore'), ['--list'], process.env);
  let toc = '';
  list.child.stdout!.on('data', (d: Buffer) => {
    toc += d.toString('utf8');
  });
  // pg_restore --list stops reading after the table of contents; the rest is still decrypted (and
  // so authenticated, up to the final chunk) into nowhere.
  await Promise.all([decryptFile(file, feedWhileOpen(list.child.stdin!)), list.exited]);
  const defined = new Set<string>();
  const withData = new Set<string>();
  for (const line of toc.split('\n')) {
    const m = /^\d+; \d+ \d+ (TABLE DATA|TABLE) public (\S+) /.exec(line);
    if (m) (m[1] === 'TABLE' ? defined : withData).add(m[2]!);
  }
  const missing = tables.filter((t) => !defined.has(t) || !withData.has(t));
  if (missing.length) throw new Error(`backup verification: tables missing from the dump: ${missing.join(', ')}`);
  return defined.size;
}

export { decryptedReadable };

/** A sink writing into `target` while it accepts input, then swallowing the rest (with backpressure). */
function feedWhileOpen(target: Writable): Writable {
  let open = true;
  const shut = () => {
    open = false;
  };
  target.on('error', shut);
  target.on('close', shut);
  return new Writable({
    write(chunk: Buffer, _e, done) {
      if (!open) return done();
      if (target.write(chunk)) return done();
      const resume = () => {
        target.off('drain', resume);
        target.off('close', resume);
        done();
      };
      target.on('drain', resume);
      target.on('close', resume);
    },
    final(done) {
      if (open) target.end();
      done();
    },
  });
}

/** Data of `backups.create`: `{}` from the scheduler (kind from the date), or a manual run by an admin. */
const backupJobData = z.object({
  kind: z.enum(BACKUP_KINDS).optional(),
  actorId: z.number().int().positive().nullable().optional(),
});

export const createBackupJob = defineJob({
  name: 'backups.create',
  queue: 'backups',
  description: 'Encrypted pg_dump backup, verified; scheduled daily 03:00 Asia/Shanghai (Sunday weekly, 1st monthly), then retention',
  schedule: { cron: '0 3 * * *', tz: 'Asia/Shanghai' },
  data: backupJobData,
  // One attempt: a failed backup is a row with its error, logged and emailed; the next schedule tries again.
  options: { attempts: 1, timeout: 6 * 3600_000 },
  run: async (data) => {
    const now = new Date();
    const kind = data.kind ?? scheduledKind(now);
    const backup = await createBackup({ kind, actorId: data.actorId ?? null }, now);
    const retention = data.kind ? null : await applyRetention(now);
    if (backup.status === 'failed') throw new Error(`backup #${backup.id} failed: ${backup.error}`);
    return { backupId: backup.id, kind, status: backup.status, sizeBytes: backup.sizeBytes, removed: retention?.removed.length ?? 0 };
  },
});
