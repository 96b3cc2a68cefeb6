import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryTypes } from 'sequelize';
import { db } from '../../../server/db/index.js';
import { ApiCallLog, CardKey } from '../../../server/models/index.js';
import { generateCardKeys } from '../../../server/services/cardKeys/generateCardKeys.js';
import { flushApiCallLog } from '../../../server/services/logs/apiCallLog.js';
import { UnsignedAnswerError } from '../../../examples/client/cardKeyClient.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { clientFor, makeWorld, recharge, until, type World } from '../../support/cardKeys.js';

describe('api_call_logs for the signed card-key API', () => {
  let server: TestServer;
  let world: World;

  before(async () => {
    server = await startTestServer();
    world = await makeWorld('calllog');
    await recharge(world.agent.id, '100.00');
  });
  after(() => server.close());

  it('logs verify and query calls with the route pattern, status, project and reason, never the card key or secret', async () => {
    const { batch } = await generateCardKeys({ actor: world.agent, agentId: world.agent.id, projectId: world.project.id, validityLabel: '1天', count: 1 });
    const code = (await CardKey.findOne({ where: { batchId: batch.id } }))!.code;
    const client = clientFor(server.url, world);
    assert.equal((await client.verify(code, 'dev-log')).reason, 'OK');
    assert.equal((await client.verify(code, 'dev-other')).reason, 'DEVICE_MISMATCH');
    assert.equal((await client.query(code)).status, 200);
    // A refusal of a wrong signature is unsigned: the client throws rather than return a verdict.
    await assert.rejects(clientFor(server.url, world, 'wrong-secret').verify(code, 'dev-log'), (err: unknown) => {
      assert.ok(err instanceof UnsignedAnswerError);
      assert.equal(err.status, 401);
      assert.equal(err.reason, 'BAD_SIGNATURE');
      return true;
    });
    await flushApiCallLog();

    const rows = await ApiCallLog.findAll({ where: { projectId: world.project.id }, order: [['id', 'ASC']] });
    assert.deepEqual(
      rows.map((r) => [r.method, r.path, r.status, r.errorCode]),
      [
        ['POST', '/open/v1/card-keys/verify', 200, null],
        ['POST', '/open/v1/card-keys/verify', 200, 'DEVICE_MISMATCH'],
        ['GET', '/open/v1/card-keys/:code', 200, null],
        ['POST', '/open/v1/card-keys/verify', 401, 'BAD_SIGNATURE'],
      ],
    );
    for (const r of rows) {
      assert.ok(r.ip);
      assert.match(r.requestId ?? '', /^[\w-]{1,64}$/);
    }
    const stored = JSON.stringify(rows.map((r) => r.toJSON())).toUpperCase();
    assert.ok(!stored.includes(code.toUpperCase()) && !stored.includes(code.replace(/-/g, '').toUpperCase()), 'no card key in the log');
    assert.ok(!stored.includes(world.appSecret.toUpperCase()), 'no secret in the log');
  });

  it('logs the time the server spent on the call: at least the time it waited for a row lock, never more than the client waited', async () => {
    const { batch } = await generateCardKeys({ actor: world.agent, agentId: world.agent.id, projectId: world.project.id, validityLabel: '1天', count: 1 });
    const code = (await CardKey.findOne({ where: { batchId: batch.id } }))!.code;
    const client = clientFor(server.url, world);
    const HELD_MS = 200;
    const lock = await db().transaction();
    let answered: Promise<{ reason: string }>;
    let started: number;
    try {
      await db().query('SELECT id FROM card_keys WHERE code = :code FOR UPDATE', { replacements: { code }, transaction: lock });
      started = performance.now();
      answered = client.verify(code, 'dev-slow');
      // The activation's UPDATE is now waiting for our lock: the server is inside the call.
      await until(async () => {
        const [r] = await db().query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE card_keys%'`,
          { type: QueryTypes.SELECT },
        );
        return r!.n > 0;
      }, 'the activation to wait for the row lock');
      await sleep(HELD_MS);
    } finally {
      await lock.commit();
    }
    assert.equal((await answered).reason, 'OK');
    const clientMs = performance.now() - started;
    await flushApiCallLog();
    const row = (await ApiCallLog.findOne({ where: { projectId: world.project.id, path: '/open/v1/card-keys/verify' }, order: [['id', 'DESC']] }))!;
    assert.ok(row.durationMs >= HELD_MS, `logged ${row.durationMs} ms for a call held ${HELD_MS} ms`);
    assert.ok(row.durationMs <= Math.ceil(clientMs), `logged ${row.durationMs} ms, the client waited ${clientMs} ms`);
  });
});
