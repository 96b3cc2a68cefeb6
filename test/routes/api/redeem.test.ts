import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CardKey, CardKeyBatch, MiniUser, Project, PurchaseRecord } from '../../../server/models/index.js';
import { generateCodes } from '../../../server/services/cardKeys/codes.js';
import { redis, redisKey } from '../../../server/redis.js';
import { createAdminUser } from '../../../server/services/identity/createAdminUser.js';
import { assertPointsBooksBalance, startWorld, type World } from '../../support/miniApi.js';

describe('redeeming a points card key', () => {
  let w: World;
  let agentId: number;
  before(async () => {
    w = await startWorld();
    agentId = (await createAdminUser({ username: 'redeem_agent', password: 'abcd1234', role: 'super_admin' })).id;
  });
  after(() => w.restore());
  afterEach(assertPointsBooksBalance);
  // Every test user comes from 127.0.0.1: each test starts with a fresh per-IP allowance.
  beforeEach(async () => {
    const keys = await redis().keys(`${redisKey('redeem', 'ip')}*`);
    if (keys.length) await redis().del(...keys);
  });

  async function keys(count: number, opts: { kind?: 'points' | 'software'; pointsPerKey?: number; durationDays?: number | null; batchStatus?: string } = {}) {
    const kind = opts.kind ?? 'points';
    const project = await Project.create({
      name: `积分项目-${randomUUID().slice(0, 8)}`,
      kind,
      status: 'active',
      pointsPerKey: kind === 'points' ? (opts.pointsPerKey ?? 500) : null,
      appKey: randomUUID().replace(/-/g, ''),
      appSecretEnc: 'sealed',
      signPublicKey: 'pk',
      signPrivateKeyEnc: 'sealed',
      maxUnbinds: 3,
      unbindCooldownMinutes: 60,
      shareIpThreshold: 5,
    });
    const batch = await CardKeyBatch.create({
      projectId: project.id,
      agentId,
      validityLabel: opts.durationDays ? `${opts.durationDays}天` : '永久',
      durationDays: opts.durationDays ?? null,
      unitPrice: '1.00',
      count,
      totalCost: `${count}.00`,
      status: opts.batchStatus ?? 'completed',
      progress: 100,
    });
    const codes = generateCodes(count);
    await CardKey.bulkCreate(codes.map((code) => ({ code, batchId: batch.id, projectId: project.id, agentId, status: 'unused' })));
    return codes;
  }

  it('credits the project points once; the key becomes redeemed by that user; lowercase/no dashes accepted', async () => {
    const [code] = await keys(1, { pointsPerKey: 500, durationDays: 30 });
    const u = await w.api.login(w.sim);
    const answer = await w.api.call('POST', '/api/redeem', { token: u.token, body: { code: code!.replace(/-/g, '').toLowerCase() } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.data.points, 500);
    assert.equal(answer.body.data.balance, 500);
    assert.ok(new Date(answer.body.data.expiresAt).getTime() > Date.now() + 29 * 86_400_000);
    const key = await CardKey.findOne({ where: { code: code! } });
    assert.equal(key!.status, 'redeemed');
    assert.equal(key!.redeemedBy, u.user.id);
    const again = await w.api.call('POST', '/api/redeem', { token: u.token, body: { code } });
    assert.equal(again.status, 404);
    assert.equal(again.body.code, 5404);
    const records = await w.api.call('GET', '/api/points/records?type=redeem', { token: u.token });
    assert.equal(records.body.data.total, 1);
  });

  it('20 users racing for one key: exactly one is credited', async () => {
    const [code] = await keys(1, { pointsPerKey: 300 });
    const users = await Promise.all(Array.from({ length: 20 }, () => w.api.login(w.sim)));
    const answers = await Promise.all(users.map((u) => w.api.call('POST', '/api/redeem', { token: u.token, body: { code } })));
    assert.equal(answers.filter((a) => a.status === 200).length, 1);
    assert.deepEqual([...new Set(answers.filter((a) => a.status !== 200).map((a) => a.status))], [404]);
    const credited = await MiniUser.count({ where: { id: users.map((u) => u.user.id), totalPoints: 300 } });
    assert.equal(credited, 1);
    const key = await CardKey.findOne({ where: { code: code! } });
    assert.equal(await PurchaseRecord.count({ where: { cardKeyId: key!.id } }), 1);
  });

  it('refuses keys of software projects, of unfinished batches, and malformed codes', async () => {
    const u = await w.api.login(w.sim);
    const [software] = await keys(1, { kind: 'software' });
    const [pending] = await keys(1, { batchStatus: 'generating' });
    assert.equal((await w.api.call('POST', '/api/redeem', { token: u.token, body: { code: software } })).status, 404);
    assert.equal((await w.api.call('POST', '/api/redeem', { token: u.token, body: { code: pending } })).status, 404);
    const malformed = await w.api.call('POST', '/api/redeem', { token: u.token, body: { code: 'not-a-code' } });
    assert.equal(malformed.status, 400);
    assert.equal((await MiniUser.findByPk(u.user.id))!.totalPoints, 0);
  });

  it('throttles guessing per user: after the hourly allowance even a valid code is refused (429)', async () => {
    const u = await w.api.login(w.sim);
    const [valid] = await keys(1);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await w.api.call('POST', '/api/redeem', { token: u.token, body: { code: 'AAAA-BBBB-CCCC-DDDD' } })).status);
    }
    assert.deepEqual([...new Set(statuses)], [404]);
    const blocked = await w.api.call('POST', '/api/redeem', { token: u.token, body: { code: valid } });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.code, 5429);
    assert.equal((await CardKey.findOne({ where: { code: valid! } }))!.status, 'unused');
  });

  it('throttles guessing per IP across many accounts', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => w.api.login(w.sim)));
    const statuses: number[] = [];
    for (const u of users) {
      for (let i = 0; i < 10; i++) {
        statuses.push((await w.api.call('POST', '/api/redeem', { token: u.token, body: { code: 'AAAA-BBBB-CCCC-DDDE' } })).status);
      }
    }
    assert.ok(statuses.includes(429), 'the IP allowance runs out before 40 attempts');
  });
});
