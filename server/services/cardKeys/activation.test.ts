import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CallbackDelivery, CardKey } from '../../models/index.js';
import { projectById } from '../projects/projectCredentials.js';
import { makeWorld, recharge, type World } from '../../../test/support/cardKeys.js';
import { queue } from '../../queues/queue.js';
import { requeueStrandedDeliveries } from './events.js';
import { generateCardKeys } from './generateCardKeys.js';
import { verifyCardKey } from './verifyCardKey.js';

async function freshCodes(w: World, count: number): Promise<string[]> {
  const { batch } = await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '30天', count, synchronous: true });
  return (await CardKey.findAll({ where: { batchId: batch.id }, order: [['id', 'ASC']] })).map((k) => k.code);
}

describe('card-key activation (batched bind)', () => {
  let plain: World;
  let hooked: World;

  before(async () => {
    plain = await makeWorld('actb');
    hooked = await makeWorld('actc', { callbackUrl: 'http://127.0.0.1:9/seahorse/events' });
    await recharge(plain.agent.id, '1000.00');
    await recharge(hooked.agent.id, '1000.00');
  });

  it('binds many keys at once, each to its own device, and exactly one device per contested key', async () => {
    const project = (await projectById(plain.project.id))!;
    const codes = await freshCodes(plain, 60);
    const solo = codes.slice(0, 50);
    const contested = codes.slice(50);
    const calls = [
      ...solo.map((code) => ({ code, deviceId: `solo-${code}` })),
      ...contested.flatMap((code) => Array.from({ length: 10 }, (_, i) => ({ code, deviceId: `race-${code}-${i}` }))),
    ];
    const answers = await Promise.all(calls.map((c) => verifyCardKey(project, { ...c, ip: null })));

    solo.forEach((_, i) => assert.deepEqual([answers[i]!.reason, answers[i]!.activated], ['OK', true]));
    const stored = new Map((await CardKey.findAll({ where: { code: codes } })).map((k) => [k.code, k]));
    for (const code of solo) assert.equal(stored.get(code)!.deviceId, `solo-${code}`);
    for (const code of contested) {
      const mine = calls.map((c, i) => [c, answers[i]!] as const).filter(([c]) => c.code === code);
      const winners = mine.filter(([, a]) => a.valid);
      assert.equal(winners.length, 1, `one winner for ${code}`);
      assert.equal(mine.filter(([, a]) => a.reason === 'DEVICE_MISMATCH').length, 9);
      assert.equal(stored.get(code)!.deviceId, winners[0]![0].deviceId);
      assert.equal(stored.get(code)!.status, 'active');
    }
  });

  it('commits the activated callback row with the bind itself (present when the answer arrives)', async () => {
    const project = (await projectById(hooked.project.id))!;
    const [code] = await freshCodes(hooked, 1);
    const outcome = await verifyCardKey(project, { code: code!, deviceId: 'dev-cb-tx', ip: null });
    assert.equal(outcome.reason, 'OK');
    const rows = await CallbackDelivery.findAll({ where: { cardKeyId: outcome.key!.id, event: 'activated' } });
    assert.equal(rows.length, 1);
    const payload = rows[0]!.payload as Record<string, unknown>;
    assert.equal(rows[0]!.url, 'http://127.0.0.1:9/seahorse/events');
    assert.equal(payload.event, 'activated');
    assert.equal(payload.card_key, code);
    assert.equal(payload.app_key, hooked.project.appKey);
    assert.equal(payload.device_id, 'dev-cb-tx');
    assert.equal(payload.first_activation, true);
    assert.equal(payload.activated_at, new Date(outcome.key!.activatedAt!).toISOString());
    assert.equal(payload.expires_at, new Date(outcome.key!.expiresAt!).toISOString());
    assert.match(String(payload.id), /^[0-9a-f]{24}$/);

    const plainProject = (await projectById(plain.project.id))!;
    const [other] = await freshCodes(plain, 1);
    const quiet = await verifyCardKey(plainProject, { code: other!, deviceId: 'dev-no-cb', ip: null });
    assert.equal(quiet.reason, 'OK');
    assert.equal(await CallbackDelivery.count({ where: { cardKeyId: quiet.key!.id } }), 0, 'no callback URL, no row');
  });

  it('queues a committed delivery whose job was never queued, once', async () => {
    const project = (await projectById(hooked.project.id))!;
    const [code] = await freshCodes(hooked, 1);
    const outcome = await verifyCardKey(project, { code: code!, deviceId: 'dev-stranded', ip: null });
    const queued = (await CallbackDelivery.findOne({ where: { cardKeyId: outcome.key!.id, event: 'activated' } }))!;
    // As if the process had died between commit and queueing: the row, no job.
    const stranded = await CallbackDelivery.create({ projectId: project.id, cardKeyId: outcome.key!.id, event: 'activated', url: queued.url, payload: { ...(queued.payload as object), id: randomBytes(12).toString('hex') } });
    const jobId = (d: CallbackDelivery) => `delivery:${(d.payload as { id: string }).id}`;
    await CallbackDelivery.update({ createdAt: new Date(Date.now() - 120_000) }, { where: { id: [queued.id, stranded.id] }, silent: true });
    assert.ok(await queue('callbacks').getJob(jobId(queued)), 'the activation queued its delivery');
    assert.equal(await queue('callbacks').getJob(jobId(stranded)), null);

    assert.ok((await requeueStrandedDeliveries()) >= 2);
    await requeueStrandedDeliveries();
    const jobs = (await queue('callbacks').getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter((j) => [queued.id, stranded.id].includes(j.data.deliveryId));
    assert.deepEqual(jobs.map((j) => j.id).sort(), [jobId(queued), jobId(stranded)].sort());
  });
});
