import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { z } from 'zod';
import { config } from '../../config.js';
import { closeDb, db } from '../../db/index.js';
import { badRequest, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { Backup } from '../../models/index.js';
import { findPointsDrift } from '../points/invariant.js';
import { reconcileQuota, type ReconcileResult } from '../quota/reconcileQuota.js';
import { BackupCipherError, decryptStream } from './cipher.js';
import { backupDir, backupPath, decryptedReadable, devNull, fileSha256, meter, parseInput } from './backupFiles.js';
import { databaseName, libpqConnection, pgBinary, spawnTool, withDatabase } from './pgTools.js';

/** The input of a restore (CLI, approved request). */
export const restoreBackupInput = z.object({
  backupId: z.number().int().positive(),
  targetDatabase: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/, 'a database name: letters, digits and _, at most 63'),
  /** Drop and recreate an existing non-empty target database. */
  replace: z.boolean().default(false),
  /** Restore over the live database (DATABASE_URL's); web and worker must be stopped. */
  inPlace: z.boolean().default(false),
});
export type RestoreBackupInput = z.input<typeof restoreBackupInput>;

export interface RestoreReport {
  backupId: number;
  targetDatabase: string;
  tables: number;
  quota: ReconcileResult;
  pointsDrift: Awaited<ReturnType<typeof findPointsDrift>>;
  /** True when the restored books balance (no quota mismatch, internal moves net zero, no points drift). */
  consistent: boolean;
}

const refuse = (zh: string, en: string, reason: string) => badRequest(say(zh, en), reason, 1001);

/** Checks the stored file against the recorded SHA-256 and authenticates every chunk, writing nothing. */
export async function checkBackupFile(backup: Backup): Promise<string> {
  if (backup.status !== 'verified') {
    throw refuse(`备份 #${backup.id} 的状态是 ${backup.status}，只能恢复已校验的备份`, `backup #${backup.id} is ${backup.status}; only verified backups can be restored`, 'BACKUP_NOT_VERIFIED');
  }
  const file = backupPath(await backupDir(), backup.fileName);
  const mismatch = () =>
    refuse(`备份文件的校验和与记录不符（文件被修改或截断），已拒绝恢复`, `the backup file does not match its recorded SHA-256 (altered or truncated); restore refused`, 'BACKUP_CHECKSUM_MISMATCH');
  const matches = (read: { sha256: string; size: number }) => read.sha256 === backup.sha256 && read.size === Number(backup.sizeBytes);
  // One read of the file: hashed and decrypted (every chunk authenticated) at once, nothing written.
  const hashed = meter();
  try {
    await pipeline(createReadStream(file), hashed, decryptStream(config().BACKUP_KEY), devNull());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw refuse(`备份文件 ${backup.fileName} 不存在`, `backup file ${backup.fileName} is missing`, 'BACKUP_FILE_MISSING');
    }
    if (!(err instanceof BackupCipherError)) throw err;
    if (!matches(await fileSha256(file))) throw mismatch();
    throw refuse(`备份文件无法解密：${err.message}`, `the backup file cannot be decrypted: ${err.message}`, 'BACKUP_DECRYPT_FAILED');
  }
  if (!matches({ sha256: hashed.sha256(), size: hashed.bytes() })) throw mismatch();
  return file;
}

async function maintenance<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(config().DATABASE_URL, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function userTableCount(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: withDatabase(config().DATABASE_URL, name) });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND s.nspname NOT IN ('pg_catalog', 'information_schema') AND s.nspname NOT LIKE 'pg_toast%'`,
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

/**
 * Restores a verified backup into `targetDatabase`: checksum and full authentication of the file
 * first (a damaged file is refused before any database is touched), then a fresh database (an
 * existing non-empty one only with `replace`; the live one only with `inPlace`), `pg_restore` fed
 * by the decrypting stream, then the quota reconciliation and points invariant on the result.
 * Approval and confirmation are the caller's (authorizeRestore, the CLI).
 */
export async function restoreBackup(raw: RestoreBackupInput): Promise<RestoreReport> {
  const input = parseInput(restoreBackupInput, raw);
  const backup = await Backup.findByPk(input.backupId);
  if (!backup) throw notFound(say(`备份 #${input.backupId} 不存在`, `backup #${input.backupId} does not exist`), 'BACKUP_NOT_FOUND');
  const file = await checkBackupFile(backup);

  const url = config().DATABASE_URL;
  const live = databaseName(url);
  const target = input.targetDatabase;
  if (target === live && !input.inPlace) {
    throw refuse(`${target} 是正在使用的数据库：覆盖它需要 --in-place 并输入数据库名确认`, `${target} is the live database: restoring over it needs --in-place and the typed name`, 'RESTORE_TARGET_LIVE');
  }
  if (input.inPlace && target !== live) {
    throw refuse(`--in-place 只用于当前数据库 ${live}`, `--in-place only applies to the live database ${live}`, 'RESTORE_IN_PLACE_TARGET');
  }
  if (['postgres', 'template0', 'template1'].includes(target)) {
    throw refuse(`不能恢复到系统数据库 ${target}`, `cannot restore into the system database ${target}`, 'RESTORE_TARGET_SYSTEM');
  }
  const pgRestore = await pgBinary(url, 'pg_restore');
  const exists = await maintenance(async (c) => Boolean((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [target])).rowCount));
  if (exists && !input.inPlace && !input.replace && (await userTableCount(target)) > 0) {
    throw refuse(`数据库 ${target} 已存在且不为空；要覆盖请加 --replace`, `database ${target} exists and is not empty; add --replace to overwrite it`, 'RESTORE_TARGET_NOT_EMPTY');
  }
  if (input.inPlace) await closeDb(); // our own pool must not hold the live database open
  await maintenance(async (c) => {
    if (exists) await c.query(`DROP DATABASE ${pg.escapeIdentifier(target)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(target)}`);
  });

  const { args, env } = libpqConnection(url, target);
  const restore = spawnTool(pgRestore, ['--no-owner', '--exit-on-error', ...args], env);
  await Promise.all([pipeline(decryptedReadable(file), restore.child.stdin!), restore.exited]);
  if (input.inPlace) db(); // a new pool on the restored database, the models bound to it again

  const checked = new Sequelize(withDatabase(url, target), { dialect: 'postgres', logging: false, pool: { max: 2 } });
  try {
    const quota = await reconcileQuota({ sequelize: checked, alert: false });
    const pointsDrift = await findPointsDrift(checked);
    const [[{ n }]] = (await checked.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)) as [[{ n: number }], unknown];
    return {
      backupId: backup.id,
      targetDatabase: target,
      tables: n,
      quota,
      pointsDrift,
      consistent: quota.mismatches.length === 0 && quota.internalMovesNet === '0.00' && pointsDrift.length === 0,
    };
  } finally {
    await checked.close();
  }
}
