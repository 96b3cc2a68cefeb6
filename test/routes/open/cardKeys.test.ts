import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../../../server/db/index.js';
import { CardKey } from '../../../server/models/index.js';
import { generateCardKeys } from '../../../server/services/cardKeys/generateCardKeys.js';
import { publishInvalidation } from '../../../server/services/cardKeys/invalidation.js';
import { setCardKeysEnabled } from '../../../server/services/cardKeys/lifecycle.js';
import { createProject } from '../../../server/services/projects/createProject.js';
import { rotateProjectSecret, setProjectStatus } from '../../../server/services/projects/manageProject.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { CardKeyClient, type VerifyAnswer } from '../../../examples/client/cardKeyClient.js';
import { clientFor, makeWorld, recharge, withConfig, type World } from '../../support/cardKeys.js';

async function codesOf(batchId: number): Promise<string[]> {
  const keys = await CardKey.findAll({ where: { batchId }, order: [['id', 'ASC']] });
  return keys.map((k) => k.code);
}

describe('card-key verification and query API', () => {
  let server: TestServer;
  let world: World;
  let client: CardKeyClient;
  let codes: string[];
  let permanent: string[];
  const VERIFY = '/open/v1/card-keys/verify';

  before(async () => {
    server = await startTestServer();
    world = await makeWorld('vapi');
    await recharge(world.agent.id, '1000.00');
    const { batch } = await generateCardKeys({ actor: world.agent, agentId: world.agent.id, projectId: world.project.id, validityLabel: '1天', count: 30 });
    codes = await codesOf(batch.id);
    const perm = await generateCardKeys({ actor: world.agent, agentId: world.agent.id, projectId: world.project.id, validityLabel: '永久', count: 2 });
    permanent = await codesOf(perm.batch.id);
    client = clientFor(server.url, world);
  });
  after(() => server.close());

  it('activates on first use, signs the answer with the public key shown in the admin, then accepts only that device', async () => {
    const first = await client.request<VerifyAnswer>('POST', VERIFY, { card_key: codes[0]!.toLowerCase().replace(/-/g, ''), device_id: 'dev-A', device_info: { os: 'win' } });
    assert.equal(first.status, 200);
    assert.equal(first.signatureValid, true);
    assert.equal(createPublicKey(world.project.signPublicKey).asymmetricKeyType, 'ed25519');
    assert.equal(first.body.valid, true);
    assert.equal(first.body.reason, 'OK');
    assert.equal(first.body.activated, true);
    const again = await client.verify(codes[0]!, 'dev-A');
    assert.equal(again.valid, true);
    assert.equal(again.activated, false);
    assert.ok(again.remaining_seconds! > 86_000 && again.remaining_seconds! <= 86_400);
    const other = await client.verify(codes[0]!, 'dev-B');
    assert.deepEqual([other.valid, other.reason], [false, 'DEVICE_MISMATCH']);
    const missing = await client.verify('ABCD-EFGH-JKLM-NPQR', 'dev-A');
    assert.equal(missing.reason, 'NOT_FOUND');

    const perm = await client.verify(permanent[0]!, 'dev-P');
    assert.deepEqual([perm.valid, perm.permanent, perm.expires_at, perm.remaining_seconds], [true, true, null, null]);
  });

  it('detects a forged answer: a tampered body fails the response signature', async () => {
    const res = await client.request<VerifyAnswer>('POST', VERIFY, { card_key: codes[0], device_id: 'dev-A' });
    const key = createPublicKey(world.project.signPublicKey);
    const { verifyResponseSignature } = await import('../../../examples/client/cardKeyClient.js');
    assert.equal(res.signatureValid, true);
    assert.equal(verifyResponseSignature(key, 'other-nonce-123', res.raw, 'AAAA'), false);
    assert.equal(verifyResponseSignature(key, 'nonce-x', res.raw.replace('"valid":true', '"valid":false'), null), false);
  });

  it('rejects wrong secret, tampered body, stale and future timestamps, replayed nonces and unknown app keys', async () => {
    const body = { card_key: codes[1], device_id: 'dev-1' };
    const reason = async (p: Promise<{ status: number; body: { reason: string } }>) => {
      const r = await p;
      return `${r.status} ${r.body.reason}`;
    };
    assert.equal(await reason(client.request('POST', VERIFY, body, { secret: 'wrong-secret' })), '401 BAD_SIGNATURE');
    assert.equal(await reason(client.request('POST', VERIFY, body, { sentBody: JSON.stringify({ ...body, device_id: 'dev-evil' }) })), '401 BAD_SIGNATURE');
    assert.equal(await reason(client.request('POST', VERIFY, body, { timestamp: String(Date.now() - 6 * 60_000) })), '401 TIMESTAMP_OUT_OF_WINDOW');
    assert.equal(await reason(client.request('POST', VERIFY, body, { timestamp: String(Date.now() + 6 * 60_000) })), '401 TIMESTAMP_OUT_OF_WINDOW');
    assert.equal(await reason(client.request('POST', VERIFY, body, { nonce: 'replay-nonce-0001' })), '200 OK');
    assert.equal(await reason(client.request('POST', VERIFY, body, { nonce: 'replay-nonce-0001' })), '401 NONCE_REUSED');
    const stranger = new CardKeyClient({ baseUrl: server.url, appKey: 'ak_does_not_exist', appSecret: 'x', publicKeyPem: world.project.signPublicKey });
    assert.equal(await reason(stranger.request('POST', VERIFY, body)), '401 UNKNOWN_APP_KEY');
    const raw = await fetch(`${server.url}${VERIFY}`, { method: 'POST', body: '{}' });
    assert.equal(raw.status, 401);
    assert.equal(((await raw.json()) as { reason: string }).reason, 'MISSING_SIGNATURE');
    const garbage = await client.request<{ reason: string }>('POST', VERIFY, undefined, { sentBody: '' });
    assert.equal(garbage.body.reason, 'BAD_REQUEST');
  });

  it('accepts the previous secret during its grace period and refuses it after', async () => {
    const { project } = await createProject({ name: 'vapi rotate', prices: [{ label: '1天', durationDays: 1, unitPrice: 1 }] }, world.root);
    const oldSecret = (await rotateProjectSecret(project.id, world.root, { graceMinutes: 0 })).appSecret;
    const { appSecret: newSecret } = await rotateProjectSecret(project.id, world.root, { graceMinutes: 60 });
    const base = { project, appSecret: newSecret };
    const probe = { card_key: 'ABCD-EFGH-JKLM-NPQR', device_id: 'd' };
    assert.equal((await clientFor(server.url, base).request<VerifyAnswer>('POST', VERIFY, probe)).body.reason, 'NOT_FOUND');
    assert.equal((await clientFor(server.url, base, oldSecret).request<VerifyAnswer>('POST', VERIFY, probe)).body.reason, 'NOT_FOUND');
    // The grace period ends (time travel on the stored expiry), and every node hears of it.
    await db().query(`UPDATE projects SET previous_secret_expires_at = now() - interval '1 second' WHERE id = :id`, { replacements: { id: project.id } });
    await publishInvalidation({ projectId: project.id });
    const after = await clientFor(server.url, base, oldSecret).request<VerifyAnswer>('POST', VERIFY, probe);
    assert.equal(`${after.status} ${after.body.reason}`, '401 BAD_SIGNATURE');
    assert.equal((await clientFor(server.url, base).request<VerifyAnswer>('POST', VERIFY, probe)).body.reason, 'NOT_FOUND');
  });

  it('binds exactly one of 50 concurrent first verifications from 50 devices', async () => {
    const code = codes[2]!;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => client.verify(code, `race-device-${i}`)));
    const ok = answers.filter((a) => a.valid);
    assert.equal(ok.length, 1);
    assert.equal(answers.filter((a) => a.reason === 'DEVICE_MISMATCH').length, 49);
    const stored = await CardKey.findOne({ where: { code } });
    assert.equal(stored!.status, 'active');
    assert.equal(stored!.deviceId, `race-device-${answers.findIndex((a) => a.valid)}`);
  });

  it('counts validity from activation and answers EXPIRED once it has run out', async () => {
    const code = codes[3]!;
    const answer = await client.verify(code, 'dev-exp');
    const stored = await CardKey.findOne({ where: { code } });
    assert.equal(stored!.expiresAt!.getTime() - stored!.activatedAt!.getTime(), 86_400_000);
    assert.ok(stored!.createdAt.getTime() <= stored!.activatedAt!.getTime());
    assert.equal(answer.expires_at, stored!.expiresAt!.toISOString());
    // Two days pass.
    await db().query(`UPDATE card_keys SET activated_at = activated_at - interval '2 days', expires_at = expires_at - interval '2 days' WHERE code = :code`, { replacements: { code } });
    await publishInvalidation({ codes: [code] });
    const expired = await client.verify(code, 'dev-exp');
    assert.deepEqual([expired.valid, expired.reason, expired.remaining_seconds], [false, 'EXPIRED', 0]);
    const unusedExpired = await client.verify(codes[4]!, 'dev-exp');
    assert.equal(unusedExpired.valid, true, 'an unused key has not started its clock');
  });

  it('answers DISABLED and PROJECT_DISABLED', async () => {
    const code = codes[5]!;
    assert.equal((await client.verify(code, 'dev-d')).valid, true);
    const key = await CardKey.findOne({ where: { code } });
    await setCardKeysEnabled({ actor: world.agent, ids: [key!.id], enabled: false });
    assert.equal((await client.verify(code, 'dev-d')).reason, 'DISABLED');
    await setCardKeysEnabled({ actor: world.agent, ids: [key!.id], enabled: true });
    assert.equal((await client.verify(code, 'dev-d')).reason, 'OK');
    await setProjectStatus(world.project.id, 'disabled', world.root);
    try {
      assert.equal((await client.verify(code, 'dev-d')).reason, 'PROJECT_DISABLED');
    } finally {
      await setProjectStatus(world.project.id, 'active', world.root);
    }
    assert.equal((await client.verify(code, 'dev-d')).reason, 'OK');
  });

  it('query API shows status only for keys of the calling project', async () => {
    const mine = await client.query(codes[0]!);
    assert.equal(mine.status, 200);
    assert.equal(mine.signatureValid, true);
    assert.equal(mine.body.status, 'active');
    assert.equal(mine.body.device_id, 'dev-A');
    assert.equal(typeof mine.body.activated_at, 'string');
    const other = await makeWorld('vapi2');
    const otherClient = clientFor(server.url, other);
    const foreign = await otherClient.query(codes[0]!);
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.reason, 'NOT_FOUND');
    const rows = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM card_keys WHERE code = :c`, { replacements: { c: codes[0] }, type: QueryTypes.SELECT });
    assert.equal(rows[0]!.n, 1);
  });

  it('rate-limits per IP across requests and blocks the client for a while', async () => {
    await withConfig({ TRUST_PROXY: 1, OPEN_RATE_IP_PER_MINUTE: 3, OPEN_RATE_BLOCK_SECONDS: 120 }, async () => {
      const proxied = await startTestServer();
      try {
        const send = (ip: string) =>
          fetch(`${proxied.url}${VERIFY}`, { method: 'POST', headers: { 'X-Forwarded-For': ip }, body: '{}' }).then(async (r) => `${r.status} ${((await r.json()) as { reason: string }).reason}`);
        const results = [];
        for (let i = 0; i < 5; i++) results.push(await send('203.0.113.77'));
        assert.deepEqual(results, ['401 MISSING_SIGNATURE', '401 MISSING_SIGNATURE', '401 MISSING_SIGNATURE', '429 RATE_LIMITED', '429 RATE_LIMITED']);
        assert.equal(await send('203.0.113.78'), '401 MISSING_SIGNATURE');
      } finally {
        await proxied.close();
      }
    });
  });
});
