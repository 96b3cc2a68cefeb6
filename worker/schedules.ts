import type { CronRepeatOptions, EveryRepeatOptions, JobInformation, Queue } from 'bull';
import type { JobHandle, JobSchedule } from '../server/queues/defineJob.js';
import { queue, type QueueName } from '../server/queues/queue.js';

const repeatOf = (s: JobSchedule): CronRepeatOptions | EveryRepeatOptions =>
  'cron' in s ? { cron: s.cron, tz: s.tz } : { every: s.every };

/** Bull's own reading of a repeat key, compared field by field with the schedule a job declares. */
function isScheduleOf(job: JobHandle, r: JobInformation): boolean {
  const s = job.schedule;
  if (!s || r.name !== job.name || r.id || r.endDate) return false;
  return 'cron' in s ? r.cron === s.cron && (r.tz ?? undefined) === s.tz : r.every === s.every;
}

/**
 * Drops the next run a removed schedule left queued. `removeRepeatableByKey` does so itself, but
 * only for keys its parser reads right: schedules written by releases whose job names contained ':'
 * leave their next run behind, which no processor would take.
 */
async function removePendingRuns(q: Queue, keys: ReadonlySet<string>): Promise<void> {
  for (const run of await q.getJobs(['delayed', 'waiting'])) {
    const key = (run?.opts.repeat as { key?: string } | undefined)?.key;
    if (key && keys.has(key)) await run.remove();
  }
}

/**
 * Makes each queue's repeatable jobs exactly the schedules of `jobs` on it: every schedule
 * declared is added (adding one that exists changes nothing in Bull), every other one — a job no
 * longer scheduled, a changed interval, a name from an older release — is removed with its pending
 * run. Idempotent: run it at start-up, again after Redis lost its data, from several workers at once.
 * `queues` defaults to the queues of `jobs`.
 */
export async function syncSchedules(jobs: readonly JobHandle[], queues: readonly QueueName[] = [...new Set(jobs.map((j) => j.queue))]): Promise<void> {
  for (const name of queues) {
    const q = queue(name);
    const scheduled = jobs.filter((j) => j.queue === name && j.schedule);
    const stale = (await q.getRepeatableJobs()).filter((r) => !scheduled.some((j) => isScheduleOf(j, r)));
    for (const r of stale) await q.removeRepeatableByKey(r.key);
    if (stale.length) await removePendingRuns(q, new Set(stale.map((r) => r.key)));
    for (const j of scheduled) await q.add(j.name, {}, { ...j.options(), repeat: repeatOf(j.schedule!) });
  }
}
