/**
 * The worker: every background job, its queue and its schedule.
 *
 * To add a job, write a `defineJob({ name, queue, description, data, run, schedule? })` next to
 * the domain it serves (e.g. `worker/processors/<area>.ts` calling a service in `server/services/`) and
 * add ONE line to `JOBS` below. That registers its processor, its repeatable schedule (when it has
 * `schedule: { cron }` or `{ every: ms }`), and makes `seahorse job:run <name>` run it now.
 * Enqueue from web code with `enqueue('<name>', data)` (or `queue(q).add('<name>', data)` —
 * always with the job name: a nameless job has no processor). New queue names go in queues.ts.
 */
import type { Job, JobOptions, Queue } from 'bull';
import { logger } from '../server/logger.js';
import { emailJobs } from './processors/email.js';
import { quotaJobs } from './processors/quota.js';
import { callbackJobs } from './processors/callbacks.js';
import { cardKeyJobs } from './processors/cardKeys.js';
import { exportJobs } from './processors/exports.js';
import { orderJobs } from './processors/orders.js';
import { orderMessageJobs } from './processors/orderMessages.js';
import { apiKeyUsageJobs } from './processors/apiKeyUsage.js';
import { authorizationJobs } from './processors/authorizations.js';
import { pointsJobs } from './processors/points.js';
import { closeQueue, queue, type QueueName } from './queues.js';
import { enqueueJob, parseJobData, runJobNow, type JobDefinition } from './registry.js';
import { writeSystemLog } from './systemLog.js';

export const JOBS: JobDefinition[] = [
  ...emailJobs,
  ...quotaJobs,
  ...cardKeyJobs,
  ...callbackJobs,
  ...exportJobs,
  ...orderJobs,
  ...orderMessageJobs,
  ...pointsJobs,
  ...apiKeyUsageJobs,
  ...authorizationJobs,
];

export const runNow = (name: string, data?: unknown) => runJobNow(JOBS, name, data);
export const enqueue = (name: string, data?: unknown) => enqueueJob(JOBS, name, data);

export interface RunningWorker {
  queues: QueueName[];
  close(): Promise<void>;
}

type Repeat = { cron?: string; tz?: string; every?: number; endDate?: number };

const repeatOf = (d: JobDefinition): Repeat | undefined =>
  d.schedule && ('cron' in d.schedule ? { cron: d.schedule.cron, tz: d.schedule.tz } : { every: d.schedule.every });

// Bull's repeat key is "name:jobId:endDate:tz:cron" (or "...:every"), and its own parser splits on
// ":" — which our "area:verb" names contain. Schedules are therefore added with jobId = name and
// recognised by that doubled prefix, so they can be compared and removed with their real name.
function repeatKey(name: string, r: Repeat): string {
  const suffix = r.cron ? `${r.tz ?? ''}:${r.cron}` : String(r.every);
  return `${name}:${name}:${r.endDate ? `${r.endDate}:` : ':'}${suffix}`;
}

function parseRepeatKey(key: string): { name: string; repeat: Repeat } | undefined {
  for (let i = key.indexOf(':'); i > 0; i = key.indexOf(':', i + 1)) {
    const name = key.slice(0, i);
    if (!key.startsWith(`${name}:${name}:`)) continue;
    const m = /^(\d*):(?:(\d+)|([^:]*):(.+))$/.exec(key.slice(2 * name.length + 2));
    if (!m) return undefined;
    const endDate = m[1] ? Number(m[1]) : undefined;
    return { name, repeat: m[2] ? { every: Number(m[2]), endDate } : { tz: m[3] || undefined, cron: m[4], endDate } };
  }
  return undefined;
}

/** Makes the queue's repeatable jobs exactly the scheduled definitions (old schedules removed). */
async function syncSchedules(q: Queue, definitions: JobDefinition[]): Promise<void> {
  const wanted = definitions.filter((d) => d.schedule);
  const wantedKeys = new Set(wanted.map((d) => repeatKey(d.name, repeatOf(d)!)));
  for (const r of await q.getRepeatableJobs()) {
    if (wantedKeys.has(r.key)) continue;
    const parsed = parseRepeatKey(r.key);
    if (parsed) await q.removeRepeatable(parsed.name, { ...parsed.repeat, jobId: parsed.name } as Parameters<Queue['removeRepeatable']>[1]);
    else await q.removeRepeatableByKey(r.key);
  }
  for (const d of wanted) await q.add(d.name, {}, { ...d.options, repeat: repeatOf(d) as JobOptions['repeat'], jobId: d.name });
}

/**
 * Starts processing (all queues, or `only` some of them): one processor per job definition, the
 * repeatable schedules, and a system-log row for every job that fails for good.
 */
export async function startWorker(options: { only?: QueueName[]; jobs?: JobDefinition[] } = {}): Promise<RunningWorker> {
  const jobs = options.jobs ?? JOBS;
  const log = logger().child({ component: 'worker' });
  const byQueue = new Map<QueueName, JobDefinition[]>();
  for (const d of jobs) {
    if (options.only && !options.only.includes(d.queue)) continue;
    byQueue.set(d.queue, [...(byQueue.get(d.queue) ?? []), d]);
  }
  for (const [name, definitions] of byQueue) {
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
    for (const d of definitions) {
      const processing = q.process(d.name, d.concurrency ?? 1, async (job: Job) => {
        let data: unknown;
        try {
          data = parseJobData(d, job.data);
        } catch (err) {
          await job.discard();
          throw err;
        }
        const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        return d.run(data, { job, finalAttempt, log: log.child({ job: d.name, jobId: job.id }) });
      });
      processing.catch((err: unknown) => log.error({ err, queue: name, job: d.name }, 'processor stopped'));
    }
    await syncSchedules(q, definitions);
  }
  const names = [...byQueue.keys()];
  log.info({ queues: names }, 'worker started');
  return {
    queues: names,
    async close() {
      await Promise.all(names.map((n) => closeQueue(n)));
      log.info('worker stopped');
    },
  };
}
