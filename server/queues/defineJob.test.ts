import assert from 'node:assert/strict';
import { z } from 'zod';
import { isAppError } from '../errors.js';
import { defineJob, findJob, jobName } from './defineJob.js';
import { queue } from './queue.js';

describe('defineJob: the job handle', () => {
  const ran: number[] = [];
  let attempts = 4;
  const double = defineJob({
    name: 'queues-test.double',
    queue: 'maintenance',
    description: 'doubles a number',
    data: z.object({ n: z.coerce.number().int(), note: z.string().default('none') }),
    options: () => ({ attempts, backoff: { type: 'fixed', delay: 50 } }),
    run: async ({ n }) => {
      ran.push(n);
      return n * 2;
    },
  });
  const waitingOf = async () => (await queue('maintenance').getWaiting()).filter((j) => j.name === double.name);

  afterEach(async () => {
    for (const j of await waitingOf()) await j.remove();
  });

  it('validates the data and queues it under the job name, with the options read when queued', async () => {
    attempts = 7;
    const job = await double.enqueue({ n: '21' }, { jobId: 'queues-test-double-21' });
    const stored = (await queue('maintenance').getJob('queues-test-double-21'))!;
    assert.equal(stored.name, 'queues-test.double');
    assert.deepEqual(stored.data, { n: 21, note: 'none' }, 'the parsed data is what is queued');
    assert.equal(stored.opts.attempts, 7);
    assert.deepEqual(stored.opts.backoff, { type: 'fixed', delay: 50 });
    assert.equal(job.id, stored.id);
  });

  it('refuses a bad payload with a 400 in both languages and queues nothing', async () => {
    const before = (await waitingOf()).length;
    const refused = await double.enqueue({ n: 'many' }).then(
      () => assert.fail('queued'),
      (err: unknown) => err,
    );
    assert.ok(isAppError(refused));
    assert.equal(refused.status, 400);
    assert.equal(refused.reason, 'INVALID_JOB_DATA');
    assert.match(refused.messageIn('en'), /^invalid data for job queues-test\.double: n: /);
    assert.match(refused.messageIn('zh-CN'), /^任务 queues-test\.double 的数据无效：n: /);
    assert.equal((await waitingOf()).length, before);
  });

  it('runs now in this process with the same validation', async () => {
    assert.equal(await double.runNow({ n: 5 }), 10);
    await assert.rejects(double.runNow({ n: 1.5 }), (err: unknown) => isAppError(err) && err.reason === 'INVALID_JOB_DATA');
    assert.deepEqual(ran, [5], 'the refused run never started');
  });

  it('refuses at definition a name with ":" (Bull cannot parse it in a repeat key) and a schedule its schema cannot take', () => {
    const base = { queue: 'maintenance' as const, description: 'x', run: async () => undefined };
    assert.throws(() => defineJob({ ...base, name: 'stats:rollup', data: z.object({}) }), /not area\.verb/);
    assert.throws(() => defineJob({ ...base, name: 'Stats.Rollup', data: z.object({}) }), /not area\.verb/);
    assert.throws(
      () => defineJob({ ...base, name: 'stats.rollup', data: z.object({ day: z.string() }), schedule: { every: 60_000 } }),
      /must accept the scheduler's \{\}/,
    );
  });

  it('finds a job by either spelling an operator types: area.verb, or the older area:verb', () => {
    assert.equal(jobName('stats:rollup'), 'stats.rollup');
    assert.equal(jobName(' card-keys:resume-batches '), 'card-keys.resume-batches');
    assert.equal(jobName('email.send'), 'email.send');
    assert.equal(findJob([double], 'queues-test:double'), double);
    assert.equal(findJob([double], 'queues-test.double'), double);
    assert.throws(
      () => findJob([double], 'queues-test:triple'),
      (err: unknown) => isAppError(err) && err.status === 400 && /unknown job queues-test:triple\. Known jobs: queues-test\.double/.test(err.messageIn('en')),
    );
  });
});
