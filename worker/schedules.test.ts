import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineJob } from '../server/queues/defineJob.js';
import { QUEUE_NAMES, queue } from '../server/queues/queue.js';
import { JOBS } from './index.js';
import { syncSchedules } from './schedules.js';

const HOUR = 3_600_000;
const scheduled = (name: string, schedule: { every: number } | { cron: string; tz?: string }) =>
  defineJob({ name, queue: 'maintenance', description: name, data: z.object({}), schedule, run: async () => undefined });

/** What Bull holds for the queue: its schedules and the runs they have queued. */
async function state(name: 'maintenance' = 'maintenance') {
  const q = queue(name);
  const repeatable = (await q.getRepeatableJobs()).map((r) => ({ name: r.name, every: r.every ?? null, cron: r.cron ?? null, tz: r.tz ?? null })).sort((a, b) => a.name.localeCompare(b.name));
  const runs = (await q.getJobs(['delayed', 'waiting'])).map((j) => ({ id: j.id, name: j.name })).sort((a, b) => String(a.id).localeCompare(String(b.id)));
  return { repeatable, runs };
}

describe('syncSchedules: the queues hold exactly the declared schedules', () => {
  afterEach(() => syncSchedules([], QUEUE_NAMES));

  it('removes schedules written under the old area:verb names (with their pending runs), changed intervals and jobs no longer scheduled', async () => {
    const q = queue('maintenance');
    // As the previous release wrote them: jobId = name, both containing ':'.
    await q.add('ops-test:hourly', {}, { repeat: { every: HOUR }, jobId: 'ops-test:hourly' });
    await q.add('ops-test:nightly', {}, { repeat: { cron: '30 3 * * *' }, jobId: 'ops-test:nightly' });
    // A current name whose interval changed, and a job that is no longer scheduled.
    await q.add('ops-test.hourly', {}, { repeat: { every: 2 * HOUR } });
    await q.add('ops-test.retired', {}, { repeat: { every: HOUR } });
    assert.equal((await state()).runs.length, 4);

    await syncSchedules([scheduled('ops-test.hourly', { every: HOUR }), scheduled('ops-test.nightly', { cron: '30 3 * * *', tz: 'Asia/Shanghai' })]);

    const after = await state();
    assert.deepEqual(after.repeatable, [
      { name: 'ops-test.hourly', every: HOUR, cron: null, tz: null },
      { name: 'ops-test.nightly', every: null, cron: '30 3 * * *', tz: 'Asia/Shanghai' },
    ]);
    assert.deepEqual(after.runs.map((r) => r.name).sort(), ['ops-test.hourly', 'ops-test.nightly'], 'one pending run per schedule, none left by the old ones');
  });

  it('is idempotent: calling it again, or from two workers at once, changes nothing', async () => {
    const jobs = [scheduled('ops-test.hourly', { every: HOUR }), scheduled('ops-test.nightly', { cron: '0 4 * * *' })];
    await syncSchedules(jobs);
    const first = await state();
    await syncSchedules(jobs);
    await Promise.all([syncSchedules(jobs), syncSchedules(jobs)]);
    assert.deepEqual(await state(), first);
    assert.equal(first.runs.length, 2);
  });

  it("registers every scheduled job of the worker's registry, each with a queued next run", async () => {
    await syncSchedules(JOBS);
    const want = JOBS.filter((j) => j.schedule).map((j) => j.name).sort();
    const repeatable: string[] = [];
    const runs: string[] = [];
    for (const name of QUEUE_NAMES) {
      repeatable.push(...(await queue(name).getRepeatableJobs()).map((r) => r.name));
      runs.push(...(await queue(name).getDelayed()).filter((j) => j.opts.repeat).map((j) => j.name));
    }
    assert.deepEqual(repeatable.sort(), want);
    assert.deepEqual(runs.sort(), want);
  });
});
