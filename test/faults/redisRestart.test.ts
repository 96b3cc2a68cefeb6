import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../../server/db/index.js';
import { CallbackDelivery, EmailMessage } from '../../server/models/index.js';
import { JOBS } from '../../worker/index.js';
import { makeWorld } from '../support/cardKeys.js';
import { CallbackSink, OwnRedis, quietFaultAlerts, repeatableCount, SmtpSink, startWorkerProcess, until, type Proc } from './support.js';

/**
 * Redis restarted empty under two running workers: the schedules come back (once each, not once
 * per worker), and the work PostgreSQL still holds — an email, a callback delivery, an export whose
 * jobs died with Redis — is done, each exactly once.
 */
describe('faults: Redis restarted empty (own redis-server, two worker processes)', function () {
  this.timeout(180_000);
  const scheduled = JOBS.filter((j) => j.schedule).length;

  it('re-registers the schedules and re-queues pending work once, whatever the number of workers', async () => {
    const loud = await quietFaultAlerts();
    const redis = await OwnRedis.start();
    const smtp = new SmtpSink();
    const callbacks = new CallbackSink();
    const env = { REDIS_URL: redis.url, SMTP_URL: await smtp.start(), WORKER_WATCH_MS: '300', QUEUE_LOCK_MS: '2000' };
    const w = await makeWorld(`rr${randomBytes(3).toString('hex')}`, { callbackUrl: await callbacks.start() });
    const workers: Proc[] = [startWorkerProcess(env), startWorkerProcess(env)];
    const inspect = redis.client();
    try {
      await Promise.all(workers.map((p) => p.ready));
      await until(async () => (await repeatableCount(inspect)) === scheduled, 'the schedules at start', 30_000);

      // Redis dies; while it is away the web side commits work whose jobs are lost with it.
      await redis.stop();
      const subject = `fault test ${randomUUID()}`;
      const email = await EmailMessage.create({ toAddress: 'ops@example.com', subject, textBody: 'hello', status: 'queued' });
      const delivery = await CallbackDelivery.create({
        projectId: w.project.id,
        cardKeyId: null,
        event: 'activated',
        url: (await db().query<{ callback_url: string }>('SELECT callback_url FROM projects WHERE id = :id', { replacements: { id: w.project.id }, type: QueryTypes.SELECT }))[0]!.callback_url,
        payload: { id: randomBytes(12).toString('hex'), event: 'activated' },
      });
      const exportId = randomUUID();
      await db().query(`INSERT INTO card_key_exports (id, owner_id, format, filter, status) VALUES (:id, :owner, 'csv', '{}', 'queued')`, {
        replacements: { id: exportId, owner: w.agent.id },
      });
      await redis.start(); // empty

      await until(async () => (await repeatableCount(inspect).catch(() => 0)) === scheduled, 'the schedules after the restart', 30_000);
      await until(async () => (await email.reload()).status === 'sent', 'the email', 30_000);
      await until(async () => (await delivery.reload()).status === 'delivered', 'the callback', 30_000);
      const exportState = async () =>
        (await db().query<{ status: string; builds: number }>('SELECT status, builds FROM card_key_exports WHERE id = :id', { replacements: { id: exportId }, type: QueryTypes.SELECT }))[0]!;
      await until(async () => (await exportState()).status === 'done', 'the export', 30_000);

      // Let both workers watch a few more rounds, then a third worker starts (its own sweep): still once.
      const third = startWorkerProcess(env);
      workers.push(third);
      await third.ready;
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await repeatableCount(inspect), scheduled, 'each schedule once, not once per worker');
      assert.equal(smtp.count(subject), 1, 'the email went out once');
      assert.equal(callbacks.posts.get(String(delivery.id)), 1, 'the callback was posted once');
      assert.equal((await delivery.reload()).attempts, 1, 'one attempt on record for one POST');
      assert.deepEqual(await exportState(), { status: 'done', builds: 1 });
      const log = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM system_logs WHERE source = 'worker:recovery'`, { type: QueryTypes.SELECT });
      assert.ok(log[0]!.n >= 1, 'the loss is in system_logs');
    } finally {
      inspect.disconnect();
      await Promise.all(workers.map((p) => p.stop()));
      await redis.stop();
      await smtp.close();
      await callbacks.close();
      await loud();
    }
  });
});
