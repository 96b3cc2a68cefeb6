import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Bull from 'bull';
import type { JobHandle } from '../../server/queues/defineJob.js';
import { makeWorld, recharge } from '../support/cardKeys.js';
import { KILL_CASES, type KillContext } from './killCases.js';
import { CallbackSink, OwnRedis, quietFaultAlerts, SmtpSink, startWorkerProcess, until, type Proc } from './support.js';

/**
 * A worker process SIGKILLed in the middle of each long job (KILL_CASES), then started again: the
 * job's effect happens exactly once. One worker, one Redis of the test's own; each case is
 * arranged on the running worker, which is killed mid-way and replaced by a fresh one.
 */
describe('faults: the worker SIGKILLed during a long job, then restarted', function () {
  this.timeout(300_000);
  let redis: OwnRedis;
  let worker: Proc;
  let env: Record<string, string>;
  let ctx: KillContext;
  let loud: (() => Promise<void>) | undefined;
  const queues = new Map<string, Bull.Queue>();

  before(async () => {
    loud = await quietFaultAlerts();
    redis = await OwnRedis.start();
    const smtp = new SmtpSink();
    const callbacks = new CallbackSink();
    const exportDir = await mkdtemp(path.join(os.tmpdir(), 'seahorse-kill-'));
    const backupDir = path.join(exportDir, 'backups');
    env = { REDIS_URL: redis.url, SMTP_URL: await smtp.start(), EXPORT_DIR: exportDir, BACKUP_DIR: backupDir, QUEUE_LOCK_MS: '2000', WORKER_WATCH_MS: '1000', EMAIL_MAX_ATTEMPTS: '3', CALLBACK_MAX_ATTEMPTS: '3', CALLBACK_RETRY_DELAY_MS: '100' };
    const world = await makeWorld(`kw${randomBytes(3).toString('hex')}`, { callbackUrl: await callbacks.start() });
    await recharge(world.agent.id, '200000');
    ctx = {
      world,
      smtp,
      callbacks,
      exportDir,
      backupDir,
      shared: {},
      async enqueue(job: JobHandle, data: unknown, jobId?: string) {
        let q = queues.get(job.queue);
        if (!q) queues.set(job.queue, (q = new Bull(job.queue, { redis: redis.url, prefix: `${process.env.REDIS_PREFIX}:bull` })));
        await q.add(job.name, job.parse(data), { ...job.options(), ...(jobId ? { jobId } : {}) });
      },
      async jobState(job: JobHandle, jobId: string) {
        const found = await queues.get(job.queue)?.getJob(jobId);
        return found ? await found.getState() : null;
      },
    };
    worker = startWorkerProcess(env);
    await worker.ready;
  });

  after(async () => {
    await Promise.all([...queues.values()].map((q) => q.close()));
    await worker?.stop();
    await redis?.stop();
    await ctx?.smtp.close();
    await ctx?.callbacks.close();
    if (ctx) await rm(ctx.exportDir, { recursive: true, force: true });
    await loud?.();
  });

  for (const c of KILL_CASES) {
    it(c.name, async () => {
      const state = await c.arrange(ctx);
      await until(() => c.midway(ctx, state), `${c.name}: mid-way`, 120_000);
      await worker.kill();
      await c.afterKill?.(ctx, state);
      worker = startWorkerProcess(env);
      await worker.ready;
      await until(() => c.settled(ctx, state), `${c.name}: settled after the restart`, 120_000);
      await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show itself
      await c.check(ctx, state);
    });
  }
});
