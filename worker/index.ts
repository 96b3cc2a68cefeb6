/**
 * The worker: starts processing every job in JOBS, keeps their repeatable schedules, and writes a
 * system-log row for every job that fails for good.
 *
 * A job is declared with `defineJob` (server/queues/defineJob.ts) beside the service function it
 * runs, in the same module, so the service queues it through its handle (`job.enqueue(data)`)
 * without an import cycle. Adding a job = that declaration + ONE line in JOBS below: the line
 * registers its processor, its schedule (when it has `schedule: { cron }` or `{ every: ms }`), and
 * makes `seahorse job:run <name>` and `job:list` know it. New queues go in server/queues/queue.ts.
 */
import type { Job } from 'bull';
import { logger } from '../server/logger.js';
import type { JobHandle } from '../server/queues/defineJob.js';
import { closeQueue, queue, type QueueName } from '../server/queues/queue.js';
import { flushKeyUsageJob } from '../server/services/apiKeys/usage.js';
import { createBackupJob } from '../server/services/backups/createBackup.js';
import { archiveLogsJob } from '../server/services/backups/logArchive.js';
import { deliverCallbackJob, requeueCallbacksJob } from '../server/services/cardKeys/events.js';
import { exportCardKeysJob, purgeExportsJob } from '../server/services/cardKeys/exportCardKeys.js';
import { generateBatchJob, resumeBatchesJob } from '../server/services/cardKeys/generateCardKeys.js';
import { expireKeysJob } from '../server/services/cardKeys/lifecycle.js';
import { promotionStatusJob } from '../server/services/catalog/syncPromotionStatus.js';
import { purgeEmailBodiesJob, requeueEmailsJob, sendEmailJob } from '../server/services/email/deliverEmail.js';
import { sendTestEmailJob } from '../server/services/email/sendEmail.js';
import { sendAnnouncementsJob } from '../server/services/notifications/announcements.js';
import { paymentMessageJob } from '../server/services/orders/paymentMessage.js';
import { closeExpiredOrdersJob } from '../server/services/orders/syncOrder.js';
import { checkFaults, checkFaultsJob } from '../server/services/ops/faultAlerts.js';
import { redis } from '../server/redis.js';
import { expireLotsJob } from '../server/services/points/expireLots.js';
import { authorizationExpiryJob } from '../server/services/projects/authorizationExpiry.js';
import { reconcileQuotaJob } from '../server/services/quota/reconcileQuota.js';
import { logExport } from '../server/services/logs/exportLogs.js';
import { statsExport } from '../server/services/stats/exportStats.js';
import { statsRollupJob } from '../server/services/stats/rollup.js';
import { watchRedis } from './recovery.js';
import { syncSchedules } from './schedules.js';
import { writeSystemLog } from './systemLog.js';

export const JOBS: readonly JobHandle[] = [
  sendEmailJob,
  requeueEmailsJob,
  purgeEmailBodiesJob,
  sendTestEmailJob,
  reconcileQuotaJob,
  generateBatchJob,
  expireKeysJob,
  resumeBatchesJob,
  deliverCallbackJob,
  requeueCallbacksJob,
  exportCardKeysJob,
  purgeExportsJob,
  closeExpiredOrdersJob,
  promotionStatusJob,
  paymentMessageJob,
  expireLotsJob,
  flushKeyUsageJob,
  authorizationExpiryJob,
  statsRollupJob,
  createBackupJob,
  archiveLogsJob,
  sendAnnouncementsJob,
  statsExport.job,
  logExport.job,
  checkFaultsJob,
];

export interface RunningWorker {
  queues: QueueName[];
  close(): Promise<void>;
}

/**
 * Starts processing (all queues, or `only` some of them): one processor per job, the
 * repeatable schedules (kept after a Redis loss), and a system-log row for every job that fails for
 * good. `recover` (the worker and start entry points) also runs the recovery sweep at start and
 * after a Redis loss.
 */
export async function startWorker(options: { only?: QueueName[]; jobs?: readonly JobHandle[]; recover?: boolean } = {}): Promise<RunningWorker> {
  const jobs = options.jobs ?? JOBS;
  const log = logger().child({ component: 'worker' });
  const byQueue = new Map<QueueName, JobHandle[]>();
  for (const d of jobs) {
    if (options.only && !options.only.includes(d.queue)) continue;
    byQueue.set(d.queue, [...(byQueue.get(d.queue) ?? []), d]);
  }
  for (const [name, queued] of byQueue) {
    const q = queue(name);
    q.on('error', (err) => log.error({ err, queue: name }, 'queue error'));
    q.on('failed', (job: Job, err: Error) => {
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || Boolean((job as { _discarded?: boolean })._discarded);
      if (final) {
        void writeSystemLog('error', `job:${job.name}`, `job failed for good: ${err.message}`, {
          queue: name,
          jobId: job.id,
          attemptsMade: job.attemptsMade,
          data: job.data,
        });
      } else {
        log.warn({ queue: name, job: job.name, jobId: job.id, attemptsMade: job.attemptsMade, err: err.message }, 'job attempt failed; will retry');
      }
    });
    for (const d of queued) {
      const processing = q.process(d.name, d.concurrency ?? 1, async (job: Job) => {
        let data: unknown;
        try {
          data = d.parse(job.data);
        } catch (err) {
          await job.discard();
          throw err;
        }
        const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        return d.run(data, { job, finalAttempt, log: log.child({ job: d.name, jobId: job.id }) });
      });
      processing.catch((err: unknown) => log.error({ err, queue: name, job: d.name }, 'processor stopped'));
    }
    await syncSchedules(queued, [name]);
  }
  const names = [...byQueue.keys()];
  // Schedules and pending work come back after a Redis loss; the sweep at start puts back what
  // PostgreSQL says is still to do (see worker/recovery.ts).
  const watch = watchRedis([...byQueue.values()].flat(), names, log, options.recover ?? false);
  await watch.check();
  // ops.check-faults runs through Bull, which cannot run it while Redis is away: this timer does
  // then (a transition is claimed in PostgreSQL, so both paths alert once).
  const faultTimer = options.recover
    ? setInterval(() => {
        void redis()
          .ping()
          .then(
            () => undefined,
            () => checkFaults(),
          )
          .catch((err: unknown) => log.warn({ err }, 'fault check failed'));
      }, 60_000).unref()
    : undefined;
  log.info({ queues: names }, 'worker started');
  return {
    queues: names,
    async close() {
      watch.stop();
      clearInterval(faultTimer);
      await Promise.all(names.map((n) => closeQueue(n)));
      log.info('worker stopped');
    },
  };
}
