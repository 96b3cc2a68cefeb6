import assert from 'node:assert/strict';
import { z } from 'zod';
import { SystemLog } from '../../server/models/index.js';
import { defineJob } from '../../server/queues/defineJob.js';
import { queue } from '../../server/queues/queue.js';
import { JOBS, startWorker } from '../../worker/index.js';
import { syncSchedules } from '../../worker/schedules.js';
import { until } from './child.js';

describe('worker: processors, the scheduler and failures', function () {
  this.timeout(60_000);

  it('registers each job once: no two jobs share a name (one Bull processor per name and queue)', () => {
    const names = JOBS.map((j) => j.name);
    assert.equal(new Set(names).size, names.length);
  });

  it('runs a scheduled job repeatedly, processes enqueued jobs, discards invalid data, logs final failures', async () => {
    const seen: string[] = [];
    const tick = defineJob({
      name: 'ops-test.tick',
      queue: 'maintenance',
      description: 'counts scheduler ticks',
      data: z.object({}),
      schedule: { every: 100 },
      run: async () => void seen.push('tick'),
    });
    const echo = defineJob({
      name: 'ops-test.echo',
      queue: 'maintenance',
      description: 'records its data',
      data: z.object({ word: z.string() }),
      run: async ({ word }) => void seen.push(word),
    });
    const broken = defineJob({
      name: 'ops-test.broken',
      queue: 'maintenance',
      description: 'always fails',
      data: z.object({}),
      options: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
      run: async () => {
        throw new Error('disk on fire');
      },
    });

    const worker = await startWorker({ only: ['maintenance'], jobs: [tick, echo, broken] });
    try {
      await until(async () => seen.filter((s) => s === 'tick').length >= 2);
      await echo.enqueue({ word: 'hello' });
      await until(async () => seen.includes('hello'));

      // Data that slipped past the handle (an older release, a hand-made job) fails for good at once.
      const invalid = await queue('maintenance').add(echo.name, { word: 42 }, { attempts: 5 });
      const discarded = await until(() => SystemLog.findOne({ where: { source: 'job:ops-test.echo' } }));
      assert.match(discarded.message, /ops-test\.echo 的数据无效/);
      assert.equal((await queue('maintenance').getJob(invalid.id))!.attemptsMade, 1, 'not retried');
      assert.ok(!seen.includes('42'));

      await broken.enqueue({});
      const log = await until(() => SystemLog.findOne({ where: { source: 'job:ops-test.broken' } }));
      assert.equal(log.level, 'error');
      assert.match(log.message, /disk on fire/);
      assert.equal((log.context as { attemptsMade: number }).attemptsMade, 2);
    } finally {
      await worker.close();
      await syncSchedules([], ['maintenance']);
    }
  });
});
