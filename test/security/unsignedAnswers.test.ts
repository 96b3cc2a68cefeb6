import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CardKeyClient, UnsignedAnswerError } from '../../examples/client/cardKeyClient.js';
import { db } from '../../server/db/index.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { clientFor, makeWorld, type World } from '../support/cardKeys.js';

/** Issue 11 item 14: the example client treats every unsigned answer as a failure, refusals included. */
describe('security: the card-key client refuses unsigned answers', function () {
  this.timeout(60_000);
  let w: World;
  let server: TestServer;
  let fake: Server;
  let fakeUrl: string;
  let fakeAnswer: { status: number; body: string; headers?: Record<string, string> } = { status: 200, body: '{}' };

  before(async () => {
    db();
    w = await makeWorld('unsigned');
    server = await startTestServer();
    // A man in the middle (patched hosts file, proxy) answering for Seahorse.
    fake = createServer((req, res) => {
      const nonce = String(req.headers['x-nonce'] ?? '');
      const headers: Record<string, string> = { ...(fakeAnswer.headers ?? {}) };
      for (const [k, v] of Object.entries(headers)) headers[k] = v.replace('{nonce}', nonce);
      res.writeHead(fakeAnswer.status, { 'content-type': 'application/json', ...headers }).end(fakeAnswer.body);
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  after(async () => {
    await server.close();
    fake.close();
  });

  const unsigned = (status: number) => (e: unknown) => e instanceof UnsignedAnswerError && e.status === status;

  it("Seahorse's own refusals (401) are unsigned, and the client throws instead of reporting a verdict", async () => {
    const wrongSecret = clientFor(server.url, w, 'not-the-secret-at-all');
    await assert.rejects(wrongSecret.verify('ABCD-EFGH-JKLM-NPQR', 'dev'), unsigned(401));
    await assert.rejects(wrongSecret.query('ABCD-EFGH-JKLM-NPQR'), unsigned(401));
    // The genuine, signed answer goes through.
    assert.equal((await clientFor(server.url, w).verify('ABCD-EFGH-JKLM-NPQR', 'dev')).reason, 'NOT_FOUND');
  });

  it('a forged "valid" answer, an unsigned 429 or one signed with another key is refused', async () => {
    const client = new CardKeyClient({ baseUrl: fakeUrl, appKey: w.project.appKey, appSecret: w.appSecret, publicKeyPem: w.project.signPublicKey });
    const body = JSON.stringify({ valid: true, reason: 'OK', message: 'ok', server_time: Date.now() });
    fakeAnswer = { status: 200, body };
    await assert.rejects(client.verify('ABCD-EFGH-JKLM-NPQR', 'dev'), unsigned(200));
    fakeAnswer = { status: 429, body: JSON.stringify({ valid: false, reason: 'RATE_LIMITED' }), headers: { 'retry-after': '60' } };
    await assert.rejects(client.verify('ABCD-EFGH-JKLM-NPQR', 'dev'), unsigned(429));
    const other = generateKeyPairSync('ed25519').privateKey;
    fakeAnswer = { status: 200, body, headers: { 'x-nonce': '{nonce}', 'x-response-signature': 'placeholder' } };
    // Signed over the right bytes, but not with the project's key.
    fake.removeAllListeners('request');
    fake.on('request', (req, res) => {
      const nonce = String(req.headers['x-nonce']);
      res.writeHead(200, { 'content-type': 'application/json', 'x-nonce': nonce, 'x-response-signature': sign(null, Buffer.from(`${nonce}\n${body}`), other).toString('base64') }).end(body);
    });
    await assert.rejects(client.verify('ABCD-EFGH-JKLM-NPQR', 'dev'), unsigned(200));
    fake.removeAllListeners('request');
    fake.on('request', (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>'));
    await assert.rejects(client.query('ABCD-EFGH-JKLM-NPQR'), unsigned(502));
  });
});
