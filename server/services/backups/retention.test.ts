import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Op } from 'sequelize';
import { config, loadConfig, setConfig } from '../../config.js';
import { Backup } from '../../models/index.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { createAdminUser } from '../identity/createAdminUser.js';
import { scheduledKind } from './createBackup.js';
import { applyRetention } from './retention.js';

const DAY = 86_400_000;
/** 03:00 in Shanghai on a calendar day (UTC+8 all year). */
const at3amShanghai = (isoDay: string) => new Date(Date.parse(`${isoDay}T03:00:00+08:00`));
const shanghaiDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

describe('backup retention over a simulated year (injected clock)', function () {
  this.timeout(120_000);
  let dir: string;
  let previous: ReturnType<typeof config>;

  before(async () => {
    previous = config();
    dir = await mkdtemp(path.join(os.tmpdir(), 'seahorse-retention-'));
    setConfig(loadConfig({ ...process.env, BACKUP_DIR: dir }));
  });

  after(async () => {
    setConfig(previous);
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps exactly the newest 7 daily, 4 weekly and 12 monthly backups; manual and failed ones stay', async () => {
    const mine: number[] = [];
    /** What the scheduled job leaves behind at `now`: a verified backup of the kind of that date, its file in BACKUP_DIR. */
    const takeScheduled = async (now: Date) => {
      const kind = scheduledKind(now);
      const fileName = `sim-${shanghaiDay(now)}-${kind}-${randomBytes(2).toString('hex')}.dump.enc`;
      const bytes = randomBytes(64);
      await writeFile(path.join(dir, fileName), bytes);
      const row = await Backup.create({
        fileName,
        kind,
        status: 'verified',
        sizeBytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        verifiedAt: now,
        createdAt: now,
        updatedAt: now,
      });
      mine.push(row.id);
      return row;
    };

    const manual = await Backup.create({ fileName: `sim-manual-${randomBytes(2).toString('hex')}.dump.enc`, kind: 'manual', status: 'verified', createdAt: at3amShanghai('2027-01-05'), updatedAt: new Date() });
    await writeFile(path.join(dir, manual.fileName), 'x');
    const failed = await Backup.create({ fileName: `sim-failed-${randomBytes(2).toString('hex')}.dump.enc`, kind: 'daily', status: 'failed', error: 'disk full', createdAt: at3amShanghai('2027-01-06'), updatedAt: new Date() });

    const start = at3amShanghai('2027-01-01');
    const end = at3amShanghai('2028-01-31');
    for (let now = start; now <= end; now = new Date(now.getTime() + DAY)) {
      await takeScheduled(now);
      await applyRetention(now);
      // Every simulated day: never more than the limits, and the files on disk are exactly the verified rows'.
      const alive = await Backup.findAll({ where: { id: mine, status: 'verified' } });
      const count = (k: string) => alive.filter((b) => b.kind === k).length;
      assert.ok(count('daily') <= 7 && count('weekly') <= 4 && count('monthly') <= 12, `limits on ${shanghaiDay(now)}`);
    }

    const survivors = await Backup.findAll({ where: { id: mine, status: 'verified' }, order: [['createdAt', 'ASC']] });
    const byKind = (k: string) => survivors.filter((b) => b.kind === k).map((b) => shanghaiDay(b.createdAt));
    assert.deepEqual(byKind('monthly'), ['2027-02-01', '2027-03-01', '2027-04-01', '2027-05-01', '2027-06-01', '2027-07-01', '2027-08-01', '2027-09-01', '2027-10-01', '2027-11-01', '2027-12-01', '2028-01-01']);
    assert.deepEqual(byKind('weekly'), ['2028-01-09', '2028-01-16', '2028-01-23', '2028-01-30']);
    assert.deepEqual(byKind('daily'), ['2028-01-24', '2028-01-25', '2028-01-26', '2028-01-27', '2028-01-28', '2028-01-29', '2028-01-31']);
    assert.equal(survivors.length, 23);

    // Removed backups: rows kept as `deleted` with the simulated time, files gone.
    const deleted = await Backup.findAll({ where: { id: mine, status: 'deleted' } });
    assert.equal(deleted.length + survivors.length, mine.length);
    assert.equal(mine.length, 396);
    for (const d of deleted) assert.ok(d.deletedAt && d.deletedAt >= d.createdAt);
    const onDisk = new Set(await readdir(dir));
    assert.deepEqual(
      [...onDisk].filter((f) => f.startsWith('sim-2')).sort(),
      survivors.map((b) => b.fileName).sort(),
    );

    await manual.reload();
    await failed.reload();
    assert.equal(manual.status, 'verified');
    assert.ok(onDisk.has(manual.fileName));
    assert.equal(failed.status, 'failed');
    await Backup.update({ status: 'deleted' }, { where: { id: { [Op.in]: [manual.id] } } });
  });

  it('follows the settings: lowering a limit removes the oldest of that kind at the next run', async () => {
    const sa = await createAdminUser({ username: `ret_sa_${randomBytes(3).toString('hex')}`, role: 'super_admin', password: 'Retention2026pass' });
    const actor = { id: sa.id, role: 'super_admin' };
    await updateSetting('basic.backup_keep_weekly', 2, actor);
    try {
      const result = await applyRetention(at3amShanghai('2028-01-31'));
      assert.equal(result.kept.weekly, 2);
      const weekly = await Backup.findAll({ where: { kind: 'weekly', status: 'verified' }, order: [['createdAt', 'ASC']] });
      assert.deepEqual(weekly.map((b) => shanghaiDay(b.createdAt)), ['2028-01-23', '2028-01-30']);
    } finally {
      await updateSetting('basic.backup_keep_weekly', 4, actor);
    }
  });
});
