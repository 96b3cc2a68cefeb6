import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { QueryTypes } from 'sequelize';
import { SMTPServer } from 'smtp-server';
import { z } from 'zod';
import { closedPort } from '../../../test/ops/child.js';
import type Bull from 'bull';
import { config, setConfig } from '../../config.js';
import { until } from '../../../test/support/until.js';
import { startWorker } from '../../../worker/index.js';
import { syncSchedules } from '../../../worker/schedules.js';
import { db } from '../../db/index.js';
import { defineJob } from '../../queues/defineJob.js';
import { queue } from '../../queues/queue.js';
import { redis, redisKey } from '../../redis.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { createAdminUser } from '../identity/createAdminUser.js';
import { checkFaults } from './faultAlerts.js';

/** Alerts (system_logs rows, and notices to the super admin) for one check, by kind. */
async function alerts(check: string, userId: number): Promise<{ logs: string[]; notices: number }> {
  const logs = await db().query<{ level: string }>(`SELECT level FROM system_logs WHERE source = :s ORDER BY id`, { replacements: { s: `fault:${check}` }, type: QueryTypes.SELECT });
  const [n] = await db().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notification_recipients r JOIN notifications m ON m.id = r.notification_id
      WHERE r.user_id = :u AND m.event IN ('ops.fault', 'ops.fault_recovered') AND m.title_en LIKE :t`,
    { replacements: { u: userId, t: `%${TITLE[check]}%` }, type: QueryTypes.SELECT },
  );
  return { logs: logs.map((l) => l.level), notices: n!.n };
}
const TITLE: Record<string, string> = { queue_backlog: 'queue backlog', failed_jobs: 'jobs failed for good', disk_space: 'free disk space', smtp: 'SMTP', redis: 'Redis', http_5xx: '5xx' };

/**
 * Each fault injected for real (a paused queue with an old job, a job failing for good, a
 * threshold above the free disk, a stopped SMTP server, an unreachable Redis, a 5xx burst): the
 * first check alerts once (system_logs + in-site notice and email to super admins), a second check
 * adds nothing, the recovery alerts once more.
 */
describe('ops.check-faults: fault alerts, once per fault and once per recovery', function () {
  this.timeout(60_000);
  let root: { id: number; role: string };

  before(async () => {
    const u = await createAdminUser({ username: `fa_${randomBytes(3).toString('hex')}`, password: 'Right1pass', role: 'super_admin', email: 'ops-root@example.com' });
    root = { id: u.id, role: 'super_admin' };
    await updateSetting('notification.fault_failed_jobs', 100_000, root); // earlier suites' failed jobs are not this test's fault
    await checkFaults(); // the baseline: whatever earlier suites left open is closed or recorded before the cases
  });
  after(async () => {
    await updateSetting('notification.fault_failed_jobs', 1, root);
  });

  async function opensThenCloses(check: string, inject: () => Promise<void>, heal: () => Promise<void>, options: Parameters<typeof checkFaults>[0] = {}, healed: Parameters<typeof checkFaults>[0] = {}) {
    const before = await alerts(check, root.id);
    await inject();
    assert.ok((await checkFaults(options)).opened.includes(check), `${check} opens`);
    assert.deepEqual((await checkFaults(options)).opened.includes(check), false, 'a second check adds nothing');
    const during = await alerts(check, root.id);
    assert.deepEqual(during.logs.slice(before.logs.length), ['alert']);
    assert.equal(during.notices, before.notices + 1);
    await heal();
    assert.ok((await checkFaults(healed)).closed.includes(check), `${check} closes`);
    assert.equal((await checkFaults(healed)).closed.includes(check), false);
    const after = await alerts(check, root.id);
    assert.deepEqual(after.logs.slice(before.logs.length), ['alert', 'info']);
    assert.equal(after.notices, before.notices + 2);
  }

  it('a paused queue holding a job older than the threshold', async () => {
    const q = queue('backups');
    let jobId: string | number | undefined;
    await opensThenCloses(
      'queue_backlog',
      async () => {
        await q.pause();
        // Bull takes a job's creation time from opts.timestamp (not in its typings): a job queued 30 min ago.
        jobId = (await q.add('ops-test.stuck', {}, { timestamp: Date.now() - 30 * 60_000 } as Bull.JobOptions)).id;
      },
      async () => {
        await (await q.getJob(jobId!))?.remove();
        await q.resume();
      },
    );
  });

  it('a job that failed for good', async () => {
    const broken = defineJob({
      name: 'ops-test.always-fails',
      queue: 'stats',
      description: 'fails',
      data: z.object({}),
      options: { attempts: 1 },
      run: async () => {
        throw new Error('injected failure');
      },
    });
    await opensThenCloses(
      'failed_jobs',
      async () => {
        await updateSetting('notification.fault_failed_jobs', 1, root);
        await db().query(`UPDATE system_logs SET created_at = created_at - interval '1 hour' WHERE source LIKE 'job:%'`);
        const worker = await startWorker({ only: ['stats'], jobs: [broken] });
        try {
          await broken.enqueue({});
          await until(async () => (await db().query(`SELECT 1 FROM system_logs WHERE source = 'job:ops-test.always-fails'`, { type: QueryTypes.SELECT })).length > 0);
        } finally {
          await worker.close();
          await syncSchedules([], ['stats']);
        }
      },
      async () => {
        await db().query(`UPDATE system_logs SET created_at = created_at - interval '1 hour' WHERE source LIKE 'job:%'`);
      },
    );
  });

  it('free disk under the threshold', async () => {
    await opensThenCloses(
      'disk_space',
      () => updateSetting('notification.fault_min_free_disk_mb', 100_000_000, root),
      () => updateSetting('notification.fault_min_free_disk_mb', 1, root),
    );
  });

  it('a stopped SMTP server (the in-site notice still arrives; the email waits in the outbox)', async () => {
    const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const live = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    const dead = `smtp://127.0.0.1:${await closedPort()}`;
    const original = config();
    try {
      await opensThenCloses(
        'smtp',
        async () => setConfig({ ...original, SMTP_URL: dead }),
        async () => setConfig({ ...original, SMTP_URL: live }),
      );
    } finally {
      setConfig(original);
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('Redis unreachable, and a 5xx burst', async () => {
    const down = new Redis(`redis://127.0.0.1:${await closedPort()}`, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true }).on('error', () => undefined);
    await opensThenCloses('redis', async () => undefined, async () => undefined, { redisClient: down }, {});
    down.disconnect();

    const minute = Math.floor(Date.now() / 60_000);
    await opensThenCloses(
      'http_5xx',
      async () => {
        await redis().set(redisKey('http', 'total', minute), 100, 'EX', 600);
        await redis().set(redisKey('http', '5xx', minute), 30, 'EX', 600);
      },
      async () => {
        await redis().del(redisKey('http', '5xx', minute));
      },
    );
  });
});
