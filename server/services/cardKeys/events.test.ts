import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackDelivery, CardKey } from '../../models/index.js';
import { callbackSigningString, replayCallback } from './events.js';
import { generateCardKeys } from './generateCardKeys.js';
import { unbindCardKey } from './lifecycle.js';
import { startWorker, type RunningWorker } from '../../../worker/index.js';
import { startTestServer, type TestServer } from '../../../test/support/http.js';
import { clientFor, makeWorld, recharge, until, withConfig, type World } from '../../../test/support/cardKeys.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('card-key callbacks', () => {
  let receiver: Server;
  const received: Received[] = [];
  let failNext = 0;
  let w: World;
  let server: TestServer;

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failNext > 0) {
          failNext--;
          res.writeHead(500).end('boom');
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const { port } = receiver.address() as AddressInfo;
    w = await makeWorld('cb', { callbackUrl: `http://127.0.0.1:${port}/seahorse/events` });
    await recharge(w.agent.id, '100.00');
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
    await new Promise((r) => receiver.close(r));
  });

  it('POSTs signed events, retries a 500 with backoff, logs every delivery and can replay it', async () => {
    await withConfig({ CALLBACK_RETRY_DELAY_MS: 20 }, async () => {
      let worker: RunningWorker | undefined;
      try {
        worker = await startWorker({ only: ['callbacks'] });
        const { batch } = await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '30天', count: 1 });
        const key = (await CardKey.findOne({ where: { batchId: batch.id } }))!;
        failNext = 1;
        assert.equal((await clientFor(server.url, w).verify(key.code, 'dev-cb')).reason, 'OK');

        const delivery = await until(
          () => CallbackDelivery.findOne({ where: { cardKeyId: key.id, event: 'activated', status: 'delivered' } }),
          'activated callback delivered',
        );
        assert.equal(delivery.attempts, 2);
        assert.equal(delivery.lastStatusCode, 204);
        assert.equal(received.length, 2);
        assert.equal(received[0]!.body, received[1]!.body);

        const publicKey = createPublicKey(w.project.signPublicKey);
        for (const r of received) {
          const message = callbackSigningString(String(r.headers['x-timestamp']), String(r.headers['x-nonce']), r.body);
          assert.ok(verify(null, Buffer.from(message), publicKey, Buffer.from(String(r.headers['x-signature']), 'base64')));
          assert.equal(verify(null, Buffer.from(message + ' '), publicKey, Buffer.from(String(r.headers['x-signature']), 'base64')), false);
        }
        const payload = JSON.parse(received[1]!.body) as Record<string, unknown>;
        assert.equal(payload.event, 'activated');
        assert.equal(payload.card_key, key.code);
        assert.equal(payload.device_id, 'dev-cb');
        assert.equal(payload.app_key, w.project.appKey);

        await unbindCardKey({ actor: w.agent, cardKeyId: key.id });
        await until(() => CallbackDelivery.findOne({ where: { cardKeyId: key.id, event: 'unbound', status: 'delivered' } }), 'unbound callback');
        await assert.rejects(replayCallback(w.strayAgent, delivery.id), { status: 404 });
        const before = received.length;
        await replayCallback(w.agent, delivery.id);
        await until(async () => received.length > before, 'replayed delivery');
        assert.equal(JSON.parse(received[received.length - 1]!.body).id, payload.id);
      } finally {
        await worker?.close();
      }
    });
  });
});
