import assert from 'node:assert/strict';
import { db } from '../../db/index.js';
import { CardKey, CardKeyBatch, OperationLog, QuotaLedgerEntry } from '../../models/index.js';
import { generateCardKeys } from './generateCardKeys.js';
import { publishInvalidation } from './invalidation.js';
import { disableBatch, expireDueKeys, extendBatch, revokeUnusedKeys, setCardKeysEnabled, unbindCardKey } from './lifecycle.js';
import { verifyCardKey } from './verifyCardKey.js';
import { projectById } from '../projects/projectCredentials.js';
import { balanceOf, makeWorld, recharge, type World } from '../../../test/support/cardKeys.js';

async function batchKeys(w: World, count: number, label = '30天') {
  const { batch } = await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: label, count });
  return { batch, keys: await CardKey.findAll({ where: { batchId: batch.id }, order: [['id', 'ASC']] }) };
}

async function verify(w: World, code: string, deviceId: string) {
  return verifyCardKey((await projectById(w.project.id))!, { code, deviceId, ip: '127.0.0.1' });
}

describe('card-key lifecycle', () => {
  let w: World;
  let cool: World;
  before(async () => {
    w = await makeWorld('life', { maxUnbinds: 2 });
    cool = await makeWorld('lifecool', { unbindCooldownMinutes: 60 });
    await recharge(w.agent.id, '1000.00');
    await recharge(cool.agent.id, '100.00');
  });

  it('unbinds only active keys, keeps the clock running, and enforces the limit', async () => {
    const { keys } = await batchKeys(w, 2);
    const key = keys[0]!;
    await assert.rejects(unbindCardKey({ actor: w.agent, cardKeyId: key.id }), { reason: 'NOT_UNBINDABLE' });
    assert.equal((await verify(w, key.code, 'dev-1')).reason, 'OK');
    const bound = (await CardKey.findByPk(key.id))!;
    await assert.rejects(unbindCardKey({ actor: w.strayAgent, cardKeyId: key.id }), { status: 404 });
    await unbindCardKey({ actor: w.agent, cardKeyId: key.id, ip: '10.0.0.1' });
    const unbound = (await CardKey.findByPk(key.id))!;
    assert.deepEqual([unbound.status, unbound.deviceId, unbound.unbindCount], ['unused', null, 1]);
    assert.equal(unbound.activatedAt!.getTime(), bound.activatedAt!.getTime());
    assert.equal(unbound.expiresAt!.getTime(), bound.expiresAt!.getTime());
    const audit = await OperationLog.findOne({ where: { resource: 'card_keys', action: 'unbind', recordId: String(key.id) } });
    assert.equal(audit!.ip, '10.0.0.1');

    const rebound = await verify(w, key.code, 'dev-2');
    assert.deepEqual([rebound.reason, rebound.activated], ['OK', true]);
    assert.equal((await CardKey.findByPk(key.id))!.expiresAt!.getTime(), bound.expiresAt!.getTime(), 'rebinding does not restart the clock');
    assert.equal((await verify(w, key.code, 'dev-1')).reason, 'DEVICE_MISMATCH');
    await unbindCardKey({ actor: w.admin, cardKeyId: key.id });
    await verify(w, key.code, 'dev-3');
    await assert.rejects(unbindCardKey({ actor: w.agent, cardKeyId: key.id }), { reason: 'UNBIND_LIMIT' });
  });

  it('enforces the unbind cooldown', async () => {
    const { batch } = await generateCardKeys({ actor: cool.agent, agentId: cool.agent.id, projectId: cool.project.id, validityLabel: '1天', count: 1 });
    const key = (await CardKey.findOne({ where: { batchId: batch.id } }))!;
    await verifyCardKey((await projectById(cool.project.id))!, { code: key.code, deviceId: 'a', ip: null });
    await unbindCardKey({ actor: cool.agent, cardKeyId: key.id });
    await verifyCardKey((await projectById(cool.project.id))!, { code: key.code, deviceId: 'b', ip: null });
    await assert.rejects(unbindCardKey({ actor: cool.agent, cardKeyId: key.id }), { reason: 'UNBIND_COOLDOWN' });
    // The hour passes.
    await db().query(`UPDATE card_keys SET last_unbind_at = now() - interval '61 minutes' WHERE id = :id`, { replacements: { id: key.id } });
    await unbindCardKey({ actor: cool.agent, cardKeyId: key.id });
  });

  it('revokes the unused keys of a batch and refunds exactly their quota', async () => {
    const { batch, keys } = await batchKeys(w, 10);
    for (const k of keys.slice(0, 3)) await verify(w, k.code, `d-${k.id}`);
    // An activated-then-unbound key is unused again but was sold: no refund for it.
    await unbindCardKey({ actor: w.agent, cardKeyId: keys[0]!.id });
    const before = await balanceOf(w.agent.id);
    await assert.rejects(revokeUnusedKeys({ actor: w.strayAgent, batchId: batch.id }), { status: 404 });
    const result = await revokeUnusedKeys({ actor: w.agent, batchId: batch.id });
    assert.deepEqual(result, { revoked: 7, refund: '17.50' });
    const after = await balanceOf(w.agent.id);
    assert.equal((Number(after) * 100 - Number(before) * 100) / 100, 17.5);
    const refund = await QuotaLedgerEntry.findOne({ where: { userId: w.agent.id, type: 'card_key_refund', referenceId: String(batch.id) } });
    assert.equal(refund!.balanceDelta, '17.50');
    assert.equal((await CardKeyBatch.findByPk(batch.id))!.refundedCount, 7);
    assert.equal(await CardKey.count({ where: { batchId: batch.id, status: 'revoked' } }), 7);
    assert.equal((await verify(w, keys[9]!.code, 'x')).reason, 'REVOKED');
    assert.deepEqual(await revokeUnusedKeys({ actor: w.admin, batchId: batch.id }), { revoked: 0, refund: '0.00' });
    assert.equal(await balanceOf(w.agent.id), after);
  });

  it('disables a batch, extends a batch, and expires keys in the worker job', async () => {
    const { batch, keys } = await batchKeys(w, 3, '1天');
    await verify(w, keys[0]!.code, 'e1');
    const before = (await CardKey.findByPk(keys[0]!.id))!;
    assert.equal(await extendBatch({ actor: w.agent, batchId: batch.id, days: 10 }), 3);
    const extended = (await CardKey.findByPk(keys[0]!.id))!;
    assert.equal(extended.expiresAt!.getTime() - before.expiresAt!.getTime(), 10 * 86_400_000);
    assert.equal((await CardKey.findByPk(keys[1]!.id))!.durationDays, 11);

    await db().query(`UPDATE card_keys SET expires_at = now() - interval '1 minute' WHERE id = :id`, { replacements: { id: keys[0]!.id } });
    await publishInvalidation({ codes: [keys[0]!.code] });
    assert.ok((await expireDueKeys()) >= 1);
    assert.equal((await CardKey.findByPk(keys[0]!.id))!.status, 'expired');
    assert.equal((await verify(w, keys[0]!.code, 'e1')).reason, 'EXPIRED');

    assert.equal(await disableBatch({ actor: w.admin, batchId: batch.id }), 3);
    assert.equal((await CardKeyBatch.findByPk(batch.id))!.status, 'disabled');
    assert.equal((await verify(w, keys[1]!.code, 'e2')).reason, 'DISABLED');
    assert.equal(await setCardKeysEnabled({ actor: w.strayAgent, ids: [keys[1]!.id], enabled: true }), 0);
    assert.equal(await setCardKeysEnabled({ actor: w.agent, ids: [keys[1]!.id], enabled: true }), 1);
    assert.equal((await verify(w, keys[1]!.code, 'e2')).reason, 'OK');
  });
});
