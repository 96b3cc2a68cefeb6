import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { CallbackDelivery, CardKey, CardKeyVerification } from '../../models/index.js';
import { generateCardKeys } from './generateCardKeys.js';
import { flushVerificationLog } from './verificationLog.js';
import { verifyCardKey } from './verifyCardKey.js';
import { projectById } from '../projects/projectCredentials.js';
import { makeWorld, recharge, type World } from '../../../test/support/cardKeys.js';

describe('verification log and key-sharing detection', () => {
  let w: World;
  before(async () => {
    w = await makeWorld('share', { shareIpThreshold: 2 });
    await recharge(w.agent.id, '100.00');
  });

  it('writes verification rows in batches and flags a key used from more IPs than the project allows', async () => {
    const { batch } = await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '30天', count: 2 });
    const [shared, normal] = await CardKey.findAll({ where: { batchId: batch.id }, order: [['id', 'ASC']] });
    const project = (await projectById(w.project.id))!;
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.1']) {
      assert.equal((await verifyCardKey(project, { code: shared!.code, deviceId: 'dev', ip })).reason, 'OK');
    }
    for (const ip of ['198.51.100.9', '198.51.100.9']) await verifyCardKey(project, { code: normal!.code, deviceId: 'dev', ip });
    await verifyCardKey(project, { code: normal!.code, deviceId: 'other', ip: '198.51.100.10' });
    await flushVerificationLog();
    assert.equal(await CardKeyVerification.count({ where: { cardKeyId: shared!.id } }), 3);
    assert.deepEqual(
      (await CardKeyVerification.findAll({ where: { cardKeyId: normal!.id }, order: [['id', 'ASC']] })).map((v) => v.result),
      ['OK', 'OK', 'DEVICE_MISMATCH'],
    );
    assert.equal((await CardKey.findByPk(shared!.id))!.sharedFlaggedAt, null, 'two IPs are within the threshold');
    const digest = await db().query<{ title: string }>(
      `SELECT n.title FROM notifications n JOIN notification_recipients r ON r.notification_id = n.id WHERE r.user_id = :u AND n.event = 'card_key.activated'`,
      { replacements: { u: w.agent.id }, type: QueryTypes.SELECT },
    );
    assert.deepEqual(digest.map((d) => d.title), ['2 张卡密已激活'], 'one digest for both activations');
    assert.ok((await CardKey.findByPk(shared!.id))!.lastVerifiedAt);

    await verifyCardKey(project, { code: shared!.code, deviceId: 'dev', ip: '198.51.100.3' });
    await flushVerificationLog();
    assert.ok((await CardKey.findByPk(shared!.id))!.sharedFlaggedAt);
    assert.equal((await CardKey.findByPk(normal!.id))!.sharedFlaggedAt, null);
    const notes = await db().query<{ event: string; title: string; body: string }>(
      `SELECT n.event, n.title, n.body FROM notifications n JOIN notification_recipients r ON r.notification_id = n.id WHERE r.user_id = :u AND n.event = 'card_key.suspected_sharing'`,
      { replacements: { u: w.agent.id }, type: QueryTypes.SELECT },
    );
    assert.equal(notes.length, 1);
    // The key is a secret: the notice (and so its email) names only its last group.
    assert.ok(!notes[0]!.title.includes(shared!.code) && !notes[0]!.body.includes(shared!.code), 'no full card key in a notification');
    assert.ok(notes[0]!.body.includes(shared!.code.slice(-4)));
    assert.equal(await CallbackDelivery.count({ where: { cardKeyId: shared!.id, event: 'suspicious' } }), 0, 'no callback URL, no delivery');
  });
});
