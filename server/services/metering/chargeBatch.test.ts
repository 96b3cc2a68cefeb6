import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { MiniUser, PurchaseRecord } from '../../models/index.js';
import { findPointsDrift, PointsOperation } from '../points/index.js';
import { newApi, newKey, newMiniUser, newService } from '../../../test/apiKeys/fixtures.js';
import { Meter } from './meter.js';

interface Row {
  idx: number;
  decision: string;
  reason: string | null;
  charged_points: number | null;
  remaining_points: number | null;
  record_id: string | null;
  replayed: boolean | null;
}

describe('charge_points_batch: several charges in one statement', () => {
  it('decides each element as charge_points would after the ones before it (same user, only one fits; a repeated request id)', async () => {
    const creds = await newService();
    const [{ secret_hash: hash }] = await db().query<{ secret_hash: string }>('SELECT secret_hash FROM metering_services WHERE id = :id', {
      replacements: { id: creds.id },
      type: QueryTypes.SELECT,
    });
    const api = await newApi(2);
    const userId = await newMiniUser(3, 2); // room for one charge of 2
    const otherId = await newMiniUser(10);
    const { id: keyId } = await newKey(userId);
    const { id: otherKeyId } = await newKey(otherId);
    const [r1, r2] = [`r1_${randomUUID()}`, `r2_${randomUUID()}`];
    const el = (key: string, request: string) => ({ key, api: api.id, service: creds.id, hash, request });

    const rows = await db().query<Row>('SELECT * FROM charge_points_batch(:charges::jsonb)', {
      replacements: { charges: JSON.stringify([el(keyId, r1), el(keyId, r2), el(keyId, r1), el(otherKeyId, r1), el(otherKeyId, r2)]) },
      type: QueryTypes.SELECT,
    });

    assert.deepEqual(
      rows.map((r) => [r.idx, r.decision, r.reason, r.charged_points, r.remaining_points, r.replayed]),
      [
        [0, 'allow', null, 2, 1, false],
        [1, 'deny', 'INSUFFICIENT_POINTS', null, 1, null], // sees the first element's deduction
        [2, 'allow', null, 2, 1, true], // the same request id again: the original answer, not charged
        [3, 'deny', 'REQUEST_ID_REUSED', null, null, null], // another user's key with that id
        [4, 'allow', null, 2, 8, false], // r2 was refused above, so it is still free
      ],
    );
    assert.equal(rows[2]!.record_id, rows[0]!.record_id);
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 1);
    assert.equal((await MiniUser.findByPk(otherId))!.totalPoints, 8);
    assert.equal(await PurchaseRecord.count({ where: { userId, operationType: PointsOperation.consume } }), 1);
    assert.deepEqual(await findPointsDrift(), []);
  });

  it('through the Meter: concurrent charges sharing statements spend exactly what fits, and a repeated request id is charged once', async () => {
    const meter = new Meter();
    try {
      await meter.invalidations.ready();
      const creds = await newService();
      const service = await meter.authenticate(creds.authorization);
      const api = await newApi(3);
      // Three users with exactly 10 charges each; their charges interleave, so statements carry several users.
      const users = await Promise.all([0, 1, 2].map(() => newMiniUser(30, 3)));
      const keys = await Promise.all(users.map(async (u) => (await newKey(u)).key));
      const repeated = `rep_${randomUUID()}`;
      // The first charge goes alone (idle process), the rest queue behind it and share statements.
      const isRepeat = (i: number) => i % 12 === 0; // always user 0
      const decisions = await Promise.all(
        Array.from({ length: 144 }, (_, i) =>
          meter.charge(service, { apiKey: keys[i % 3]!, apiName: api.name, callerIp: '10.0.0.1', requestId: isRepeat(i) ? repeated : `u_${i}_${randomUUID()}` }),
        ),
      );
      for (let u = 0; u < 3; u++) {
        const mine = decisions.filter((_, i) => i % 3 === u);
        assert.equal(mine.filter((d) => d.decision === 'allow' && !d.replayed).length, 10, `user ${u}: exactly what fits`);
        assert.equal((await MiniUser.findByPk(users[u]!))!.totalPoints, 0);
        assert.equal(await PurchaseRecord.count({ where: { userId: users[u]!, operationType: PointsOperation.consume } }), 10);
      }
      assert.ok(decisions.every((d) => d.decision === 'allow' || d.reason === 'INSUFFICIENT_POINTS'));
      const repeats = decisions.filter((_, i) => isRepeat(i));
      assert.ok(repeats.every((d) => d.decision === 'allow'), 'a repeated request id answers the original charge');
      assert.equal(new Set(repeats.map((d) => d.decision === 'allow' && d.recordId)).size, 1);
      assert.equal(repeats.filter((d) => d.decision === 'allow' && !d.replayed).length, 1);
      assert.deepEqual(await findPointsDrift(), []);
    } finally {
      await meter.close();
    }
  });
});
