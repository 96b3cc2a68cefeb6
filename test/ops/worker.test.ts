import assert from 'node:assert/strict';
import { z } from 'zod';
import { SystemLog } from '../../server/models/index.js';
import { JOBS, startWorker } from '../../worker/index.js';
import { queue } from '../../worker/queues.js';
import { defineJob, enqueueJob, runJobNow } from '../../worker/registry.js';
import { until } from './child.js';

describe('worker: job registry, processors and the scheduler', function () {
  this.timeout(60_000);

  it('every registered job has a unique name and its queue', () => {
    const names = JOBS.map((j) => j.name);
    assert.equal(new Set(names).size, names.length, 'job names are unique');
    assert.ok(names.includes('email:send'));
  });

  it('runs a scheduled job repeatedly, processes enqueued jobs, removes schedules no longer defined, logs final failures', async () => {
    const seen: string[] = [];
    const jobs = [
      defineJob({
        name: 'ops-test:tick',
        queue: 'maintenance',
        description: 'counts scheduler ticks',
        data: z.object({}),
        schedule: { every: 100 },
        run: async () => void seen.push('tick'),
      }),
      defineJob({
        name: 'ops-test:echo',
        queue: 'maintenance',
        description: 'records its data',
        data: z.object({ word: z.string() }),
        run: async ({ word }) => void seen.push(word),
      }),
      defineJob({
        name: 'ops-test:broken',
        queue: 'maintenance',
        description: 'always fails',
        data: z.object({}),
        options: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
        run: async () => {
          throw new Error('disk on fire');
        },
      }),
    ];
    await queue('maintenance').add('ops-test:retired', {}, { repeat: { every: 60_000 }, jobId: 'ops-test:retired' });

    const worker = await startWorker({ only: ['maintenance'], jobs });
    try {
      // Bull's own parser splits names on ':', so compare the raw keys.
      const repeatable = await queue('maintenance').getRepeatableJobs();
      assert.deepEqual(repeatable.map((r) => r.key), ['ops-test:tick:ops-test:tick::100'], 'only the defined schedule is left');
      const delayed = await queue('maintenance').getDelayed();
      assert.ok(!delayed.some((j) => j.name === 'ops-test:retired'), 'the retired schedule left no pending run');

      await until(async () => seen.filter((s) => s === 'tick').length >= 2);
      await enqueueJob(jobs, 'ops-test:echo', { word: 'hello' });
      await until(async () => seen.includes('hello'));

      await enqueueJob(jobs, 'ops-test:broken', {});
      const log = await until(() => SystemLog.findOne({ where: { source: 'job:ops-test:broken' } }));
      assert.equal(log.level, 'error');
      assert.match(log.message, /disk on fire/);
      assert.equal((log.context as { attemptsMade: number }).attemptsMade, 2);
    } finally {
      await worker.close();
    }
  });

  it('validates job data before running or queueing it', async () => {
    const jobs = [
      defineJob({ name: 'ops-test:strict', queue: 'maintenance', description: 'x', data: z.object({ n: z.number().int() }), run: async ({ n }) => n * 2 }),
    ];
    assert.equal(await runJobNow(jobs, 'ops-test:strict', { n: 21 }), 42);
    await assert.rejects(runJobNow(jobs, 'ops-test:strict', { n: 'x' }), /invalid data for job "ops-test:strict": n/);
    await assert.rejects(enqueueJob(jobs, 'ops-test:nope', {}), /unknown job "ops-test:nope"/);
  });
});
