import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signRequest } from '../../examples/client/cardKeyClient.js';
import { makeWorld, type World } from '../support/cardKeys.js';
import { startAdminServer } from './support.js';

const VERIFY = '/open/v1/card-keys/verify';

/**
 * Issue 11 item 3: strangers naming a project's (public) app key must not get its real clients
 * banned. Behind one proxy (TRUST_PROXY=1) the test sets each request's client address.
 */
describe('security: the open API cannot be locked for a project by unsigned requests', function () {
  this.timeout(120_000);
  let world: World;
  let app: Awaited<ReturnType<typeof startAdminServer>>;

  before(async () => {
    world = await makeWorld('olock');
    app = await startAdminServer({ TRUST_PROXY: '1', OPEN_RATE_APP_PER_MINUTE: '5', OPEN_RATE_IP_PER_MINUTE: '3', OPEN_RATE_BLOCK_SECONDS: '120' });
  });
  after(() => app.restore());

  const send = (from: string, secret = world.appSecret) => {
    const body = JSON.stringify({ card_key: 'NO-SUCH-KEY', device_id: 'dev' });
    const timestamp = String(Date.now());
    const nonce = randomBytes(12).toString('hex');
    return fetch(`${app.server.url}${VERIFY}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Forwarded-For': from,
        'X-App-Key': world.project.appKey,
        'X-Timestamp': timestamp,
        'X-Nonce': nonce,
        'X-Signature': signRequest(secret, 'POST', VERIFY, timestamp, nonce, body),
      },
      body,
    }).then(async (r) => `${r.status} ${((await r.json()) as { reason: string }).reason}`);
  };

  it('badly signed requests from many addresses never ban the app key', async () => {
    const forged = [];
    for (let i = 1; i <= 12; i++) forged.push(await send(`198.51.100.${i}`, 'not-the-secret'));
    assert.deepEqual(new Set(forged), new Set(['401 BAD_SIGNATURE']));
    // A real client of the project, from its own address, is served.
    assert.equal(await send('192.0.2.10'), '200 NOT_FOUND');
  });

  it('correctly signed requests still count against the app key', async () => {
    const answers = [];
    for (let i = 1; i <= 7; i++) answers.push(await send(`192.0.2.${20 + i}`));
    assert.ok(answers.includes('429 RATE_LIMITED'), answers.join());
  });

  it('failures count per address, an IPv6 client by its /64, and a ban touches no other address', async () => {
    const answers = [];
    for (const host of ['1', '2', '3', 'abcd', 'ffff:1']) answers.push(await send(`2001:db8:7:7::${host}`, 'wrong'));
    assert.deepEqual(answers, ['401 BAD_SIGNATURE', '401 BAD_SIGNATURE', '401 BAD_SIGNATURE', '429 RATE_LIMITED', '429 RATE_LIMITED']);
    assert.equal(await send('2001:db8:7:8::1', 'wrong'), '401 BAD_SIGNATURE', 'the next /64 is another client');
    assert.equal(await send('198.51.100.200', 'wrong'), '401 BAD_SIGNATURE');
  });
});
