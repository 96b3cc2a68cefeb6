import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Op } from 'sequelize';
import { config, loadConfig, setConfig } from '../../config.js';
import { db } from '../../db/index.js';
import { AdminUser, Backup, EmailMessage, SystemLog } from '../../models/index.js';
import { createAdminUser } from '../identity/createAdminUser.js';
import { fileSha256 } from './backupFiles.js';
import { createBackup, createBackupJob, scheduledKind, verifyBackupFile } from './createBackup.js';
import { databaseName, publicTables, withDatabase } from './pgTools.js';
import { restoreBackup } from './restoreBackup.js';

const MARKER = `plaintext_marker_${randomBytes(6).toString('hex')}`;

/** Per table: row count and an md5 over its rows in a fixed order. */
async function tableChecksums(database: string): Promise<Record<string, { rows: number; md5: string | null }>> {
  const client = new pg.Client({ connectionString: withDatabase(config().DATABASE_URL, database) });
  await client.connect();
  try {
    const out: Record<string, { rows: number; md5: string | null }> = {};
    for (const table of await publicTables(config().DATABASE_URL, database)) {
      const { rows } = await client.query(`SELECT count(*)::int AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5 FROM ${pg.escapeIdentifier(table)} t`);
      out[table] = rows[0];
    }
    return out;
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: withDatabase(config().DATABASE_URL, 'postgres') });
  await client.connect();
  try {
    return Boolean((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount);
  } finally {
    await client.end();
  }
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(config().DATABASE_URL, 'postgres') });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await client.end();
}

describe('backups: create, verify, restore', function () {
  this.timeout(120_000);
  const live = () => databaseName(config().DATABASE_URL);
  const targets: string[] = [];
  const target = (label: string) => {
    const name = `${live()}_${label}`.slice(0, 63);
    targets.push(name);
    return name;
  };
  let dir: string;
  let previous: ReturnType<typeof config>;

  before(async () => {
    previous = config();
    dir = await mkdtemp(path.join(os.tmpdir(), 'seahorse-backups-'));
    setConfig(loadConfig({ ...process.env, BACKUP_DIR: dir }));
    await createAdminUser({ username: `bk_${randomBytes(3).toString('hex')}`, role: 'agent_admin', password: 'Backup2026pass', email: `${MARKER}@example.com` });
    // Several MB of dump: pg_restore --list stops reading after the table of contents, long before the end.
    await db().query(`INSERT INTO system_logs (level, source, message) SELECT 'debug', 'bk-bulk', repeat(md5(g::text), 8) FROM generate_series(1, 30000) g`);
  });

  after(async () => {
    for (const name of targets) await dropDatabase(name);
    setConfig(previous);
    await rm(dir, { recursive: true, force: true });
  });

  it('names the scheduled kind by the Shanghai date: 1st monthly, Sunday weekly, else daily', () => {
    assert.equal(scheduledKind(new Date('2027-07-31T19:00:00Z')), 'monthly'); // 1 Aug 03:00 in Shanghai (a Sunday too)
    assert.equal(scheduledKind(new Date('2027-08-07T19:00:00Z')), 'weekly'); // Sun 8 Aug 03:00
    assert.equal(scheduledKind(new Date('2027-08-08T19:00:00Z')), 'daily'); // Mon 9 Aug 03:00
    assert.equal(scheduledKind(new Date('2027-08-01T15:59:00Z')), 'monthly'); // 23:59 on the 1st
    assert.equal(scheduledKind(new Date('2027-08-01T16:00:00Z')), 'daily'); // 00:00 on Mon 2 Aug
  });

  it('the scheduled job (03:00 Asia/Shanghai) takes a backup of the kind of the day, verified', async () => {
    assert.deepEqual(createBackupJob.schedule, { cron: '0 3 * * *', tz: 'Asia/Shanghai' });
    const result = (await createBackupJob.runNow({})) as { backupId: number; kind: string; status: string };
    assert.equal(result.kind, scheduledKind(new Date()));
    assert.equal(result.status, 'verified');
    const row = await Backup.findByPk(result.backupId);
    assert.equal(row!.kind, result.kind);
    assert.equal(row!.createdBy, null);
    await Backup.update({ status: 'deleted' }, { where: { id: row!.id } }); // out of the way of the suites' own counts
    await rm(path.join(dir, row!.fileName));
  });

  it('backs up, verifies, and restores into an empty database with identical rows; the key is nowhere', async () => {
    const before = await tableChecksums(live());
    const backup = await createBackup({ kind: 'manual' });
    assert.equal(backup.status, 'verified', backup.error ?? '');
    assert.ok(backup.verifiedAt);
    assert.equal(backup.phase, null);
    const file = path.join(dir, backup.fileName);
    const stored = await fileSha256(file);
    assert.equal(backup.sha256, stored.sha256);
    assert.equal(Number(backup.sizeBytes), stored.size);
    assert.equal(backup.tableCount, Object.keys(before).length);
    assert.deepEqual((await readdir(dir)).filter((f) => f !== 'log-archives'), [backup.fileName], 'only the encrypted file is on disk, no partial or plain dump');
    const bytes = await readFile(file);
    assert.ok(!bytes.includes(Buffer.from(MARKER)), 'no plaintext in the stored file');
    assert.ok(!bytes.includes(Buffer.from('PGDMP')), 'the custom-format signature is encrypted too');

    // A change after the backup is not in the restored copy.
    await createAdminUser({ username: `after_${randomBytes(3).toString('hex')}`, role: 'agent_admin', password: 'Backup2026pass' });
    const copy = target('copy');
    const report = await restoreBackup({ backupId: backup.id, targetDatabase: copy });
    assert.equal(report.consistent, true, JSON.stringify(report));
    assert.equal(report.tables, Object.keys(before).length);
    const restored = await tableChecksums(copy);
    const { backups: liveBackups, ...liveRest } = before;
    const { backups: copyBackups, ...copyRest } = restored;
    assert.deepEqual(copyRest, liveRest);
    assert.equal(copyBackups!.rows, liveBackups!.rows + 1, 'the dump holds its own row, as it was while running');

    const key = config().BACKUP_KEY.toLowerCase();
    const [rows] = await db().query(`SELECT b::text AS t FROM backups b UNION ALL SELECT s::text FROM system_logs s UNION ALL SELECT e::text FROM email_messages e`);
    for (const r of rows as Array<{ t: string }>) assert.ok(!r.t.toLowerCase().includes(key), 'BACKUP_KEY never stored');
  });

  it('refuses a flipped byte or a truncated file before any database is created', async () => {
    const backup = await createBackup({ kind: 'manual' });
    assert.equal(backup.status, 'verified');
    const file = path.join(dir, backup.fileName);
    const original = await readFile(file);

    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
    await writeFile(file, flipped);
    const t1 = target('flipped');
    await assert.rejects(restoreBackup({ backupId: backup.id, targetDatabase: t1 }), (e: Error) => /checksum|校验和/i.test(e.message));
    assert.equal(await databaseExists(t1), false);

    // Even with the recorded checksum forged to match, the cipher refuses the altered chunk.
    const forged = await fileSha256(file);
    await Backup.update({ sha256: forged.sha256 }, { where: { id: backup.id } });
    await assert.rejects(restoreBackup({ backupId: backup.id, targetDatabase: t1 }), (e: Error) => /altered|解密/.test(e.message));
    assert.equal(await databaseExists(t1), false);

    await writeFile(file, original);
    await truncate(file, original.length - 100);
    const cut = await fileSha256(file);
    await Backup.update({ sha256: cut.sha256, sizeBytes: cut.size }, { where: { id: backup.id } });
    await assert.rejects(restoreBackup({ backupId: backup.id, targetDatabase: t1 }), (e: Error) => /truncated|解密/.test(e.message));
    assert.equal(await databaseExists(t1), false);
  });

  it('refuses a non-empty target unless replace, and the live database without in-place', async () => {
    const backup = await Backup.findOne({ where: { status: 'verified', kind: 'manual' }, order: [['id', 'ASC']] });
    const copy = targets[0]!;
    await assert.rejects(restoreBackup({ backupId: backup!.id, targetDatabase: copy }), (e: Error) => /not empty|不为空/.test(e.message));
    const report = await restoreBackup({ backupId: backup!.id, targetDatabase: copy, replace: true });
    assert.equal(report.consistent, true);
    await assert.rejects(restoreBackup({ backupId: backup!.id, targetDatabase: live() }), (e: Error) => /in-place/.test(e.message));
    await assert.rejects(restoreBackup({ backupId: backup!.id, targetDatabase: 'postgres' }), (e: Error) => /system|系统/.test(e.message));
  });

  it('verification fails when a table is missing from the table of contents', async () => {
    const backup = await Backup.findOne({ where: { status: 'verified', kind: 'manual' }, order: [['id', 'ASC']] });
    const tables = await publicTables(config().DATABASE_URL);
    assert.equal(await verifyBackupFile(path.join(dir, backup!.fileName), tables), tables.length);
    await assert.rejects(verifyBackupFile(path.join(dir, backup!.fileName), [...tables, 'no_such_table']), /no_such_table/);
  });

  it('a failed backup is marked failed, leaves no file, is logged and emailed to the super admins', async () => {
    const admin = await createAdminUser({ username: `bk_sa_${randomBytes(3).toString('hex')}`, role: 'super_admin', password: 'Backup2026pass', email: `sa_${randomBytes(3).toString('hex')}@example.com` });
    const files = await readdir(dir);
    const good = config();
    setConfig({ ...good, DATABASE_URL: withDatabase(good.DATABASE_URL, `${live()}_absent`) });
    let backup: Backup;
    try {
      backup = await createBackup({ kind: 'daily' });
    } finally {
      setConfig(good);
    }
    assert.equal(backup.status, 'failed');
    assert.ok(backup.error);
    assert.deepEqual(await readdir(dir), files, 'no file left behind');
    assert.ok(await SystemLog.findOne({ where: { source: 'backups.create', level: 'error', message: { [Op.like]: `%#${backup.id}%` } } }));
    const mail = await EmailMessage.findOne({ where: { toAddress: admin.email!, subject: { [Op.like]: `%#${backup.id}%` } } });
    assert.ok(mail, 'the super admin is emailed');
    await AdminUser.update({ status: 'frozen' }, { where: { id: admin.id } });
  });
});
