import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { MiniUser, PurchaseRecord } from '../../models/index.js';
import { findPointsDrift, PointsOperation } from '../points/index.js';
import { newApi, newKey, newMiniUser, newService } from '../../../test/support/apiKeys.js';
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

/** A small world of users, lots, keys and APIs in which every check of a charge can fail. */
async function world() {
  const creds = await newService();
  const [{ secret_hash: hash }] = await db().query<{ secret_hash: string }>('SELECT secret_hash FROM metering_services WHERE id = :id', {
    replacements: { id: creds.id },
    type: QueryTypes.SELECT,
  });
  const cheap = await newApi(2);
  const dear = await newApi(5);
  const users = [await newMiniUser(40, 3), await newMiniUser(9, 2), await newMiniUser(25, 2), await newMiniUser(30, 1), await newMiniUser(0)];
  // User 2's soonest lot is due: the batch must expire it (expire ledger row) before drawing.
  await db().query(
    `UPDATE points_lots SET expires_at = now() - interval '1 minute'
      WHERE id = (SELECT id FROM points_lots WHERE user_id = :u ORDER BY expires_at LIMIT 1)`,
    { replacements: { u: users[2] } },
  );
  const keys = [
    (await newKey(users[0]!)).id,
    (await newKey(users[0]!)).id,
    (await newKey(users[1]!)).id,
    (await newKey(users[2]!)).id,
    (await newKey(users[3]!)).id,
    (await newKey(users[4]!)).id,
    (await newKey(users[1]!, { apiIds: [dear.id] })).id, // scoped to the dear API only
    (await newKey(users[2]!)).id, // disabled below
    (await newKey(users[0]!)).id, // expired below
    (await newKey(users[1]!)).id, // deleted below
  ];
  await db().query('UPDATE meta_user SET status = 0 WHERE id = :u', { replacements: { u: users[3] } }); // frozen
  await db().query('UPDATE meta_auth_key SET status = 0 WHERE id = :k', { replacements: { k: keys[7] } });
  await db().query(`UPDATE meta_auth_key SET expires_at = now() - interval '1 second' WHERE id = :k`, { replacements: { k: keys[8] } });
  await db().query('UPDATE meta_auth_key SET deleted_at = now() WHERE id = :k', { replacements: { k: keys[9] } });
  return { service: creds.id, hash, apis: [cheap.id, dear.id], users, keys };
}
type World = Awaited<ReturnType<typeof world>>;

/** What a world's books say, with its ids replaced by their positions so that two worlds compare. */
async function books(w: World) {
  const name = (id: string | null) => (id === null ? null : (w.users.indexOf(id) >= 0 ? `u${w.users.indexOf(id)}` : w.keys.indexOf(id) >= 0 ? `k${w.keys.indexOf(id)}` : id));
  const lots = (
    await db().query<{ id: string; user_id: string; remaining: number; expired: boolean }>(
      'SELECT id, user_id, remaining, expired_at IS NOT NULL AS expired FROM points_lots WHERE user_id IN (:users) ORDER BY expires_at, created_at, id',
      { replacements: { users: w.users }, type: QueryTypes.SELECT },
    )
  ).sort((x, y) => w.users.indexOf(x.user_id) - w.users.indexOf(y.user_id)); // by user position (ids differ between worlds), then FIFO
  const lot = (id: string | null) => (id === null ? null : `lot${lots.findIndex((l) => l.id === id)}`);
  const ledger = await db().query<Record<string, unknown>>(
    `SELECT user_id, api_key_id, lot_id, request_id, api_name IS NOT NULL AS named, points_change, remaining_points, operation_type, expire_time
       FROM purchase_record WHERE user_id IN (:users) ORDER BY seq`,
    { replacements: { users: w.users }, type: QueryTypes.SELECT },
  );
  const totals = await db().query<{ id: string; total_points: number }>('SELECT id, total_points FROM meta_user WHERE id IN (:users)', {
    replacements: { users: w.users },
    type: QueryTypes.SELECT,
  });
  return {
    totals: w.users.map((u) => totals.find((t) => t.id === u)!.total_points),
    lots: lots.map((l) => [name(l.user_id), l.remaining, l.expired]),
    ledger: ledger.map((r) => ({
      ...r,
      user_id: name(r.user_id as string),
      api_key_id: name(r.api_key_id as string | null),
      lot_id: lot(r.lot_id as string | null),
      expire_time: (r.expire_time as Date).getTime() > Date.now() + 365 * 86400_000 ? 'never' : 'dated',
    })),
  };
}

describe('charge_points_batch: several charges in one statement', () => {
  it('decides and books a mixed batch exactly as charge_points one call after another would', async () => {
    const [a, b] = [await world(), await world()];
    // The batch: every key and both APIs, users interleaved, one request id already used in each
    // world (a replay for its key, REQUEST_ID_REUSED for another), a wrong service secret, and
    // enough charges that users 0, 1 and 2 run out part-way (a later cheaper charge may still fit).
    const plan: Array<[key: number, api: number, request: string | null, badSecret?: boolean]> = [];
    for (let i = 0; i < 48; i++) plan.push([[0, 2, 3, 1, 0, 6, 2, 3, 4, 5, 7, 8, 9][i % 13]!, (i * 7) % 3 === 0 ? 1 : 0, i % 5 === 0 ? null : `req_${i}`]);
    plan.push([0, 0, 'used_before'], [2, 0, 'used_before'], [1, 0, 'req_x', true], [3, 1, 'req_y']);
    const elements = (w: World, secretFor: (bad: boolean) => string) =>
      plan.map(([key, api, request, bad]) => ({ key: w.keys[key], api: w.apis[api], service: w.service, hash: secretFor(Boolean(bad)), request }));
    for (const w of [a, b]) {
      await db().query('SELECT * FROM charge_points(:key, :api, :service, :hash, :request)', {
        replacements: { key: w.keys[0], api: w.apis[0], service: w.service, hash: w.hash, request: 'used_before' },
      });
    }

    const batched = await db().query<Row>('SELECT * FROM charge_points_batch(:charges::jsonb)', {
      replacements: { charges: JSON.stringify(elements(a, (bad) => (bad ? 'not-the-hash' : a.hash))) },
      type: QueryTypes.SELECT,
    });
    const oneByOne: Row[] = [];
    for (const [i, el] of elements(b, (bad) => (bad ? 'not-the-hash' : b.hash)).entries()) {
      const [row] = await db().query<Omit<Row, 'idx'>>('SELECT * FROM charge_points(:key, :api, :service, :hash, :request)', {
        replacements: el,
        type: QueryTypes.SELECT,
      });
      oneByOne.push({ idx: i, ...row! });
    }

    const decisions = (rows: Row[]) =>
      [...rows].sort((x, y) => x.idx - y.idx).map((r) => [r.idx, r.decision, r.reason, r.charged_points, r.remaining_points, r.replayed]);
    assert.deepEqual(decisions(batched), decisions(oneByOne));
    const reasons = new Set(batched.map((r) => r.reason ?? r.decision));
    for (const expected of ['allow', 'unauthorized', 'INSUFFICIENT_POINTS', 'KEY_NOT_FOUND', 'KEY_DISABLED', 'KEY_EXPIRED', 'API_NOT_IN_SCOPE', 'USER_FROZEN', 'REQUEST_ID_REUSED']) {
      assert.ok(reasons.has(expected), `the batch exercises ${expected}`);
    }
    assert.ok(batched.some((r) => r.replayed), 'and a replay');
    assert.deepEqual(await books(a), await books(b));
    assert.deepEqual(await findPointsDrift(), []);
  });


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

  it('two server processes batching at once, two users\' keys sending one request id: exactly one is charged, the other is REQUEST_ID_REUSED, the rest stand', async () => {
    const meters = [new Meter(), new Meter()];
    try {
      await Promise.all(meters.map((m) => m.invalidations.ready()));
      const creds = await newService();
      const api = await newApi(1);
      const users = await Promise.all([0, 1].map(() => newMiniUser(100)));
      const keys = await Promise.all(users.map(async (u) => (await newKey(u)).key));
      for (let round = 0; round < 5; round++) {
        const shared = `shared_${round}_${randomUUID()}`;
        // Per process: a first charge that goes alone, then a batch that carries the shared id among others.
        const sends = meters.flatMap((meter, m) =>
          Array.from({ length: 6 }, (_, i) => async () => {
            const service = await meter.authenticate(creds.authorization);
            const requestId = i === 3 ? shared : `own_${round}_${m}_${i}_${randomUUID()}`;
            return { shared: i === 3, decision: await meter.charge(service, { apiKey: keys[m]!, apiName: api.name, callerIp: '10.0.0.1', requestId }) };
          }),
        );
        const results = await Promise.all(sends.map((send) => send()));
        const contested = results.filter((r) => r.shared).map((r) => r.decision);
        assert.deepEqual(
          contested.map((d) => (d.decision === 'allow' ? 'allow' : d.reason)).sort(),
          ['REQUEST_ID_REUSED', 'allow'],
          `round ${round}: ${JSON.stringify(contested)}`,
        );
        assert.ok(results.filter((r) => !r.shared).every((r) => r.decision.decision === 'allow'));
      }
      const spent = await PurchaseRecord.count({ where: { userId: users, operationType: PointsOperation.consume } });
      assert.equal(spent, 5 * 11, 'ten own charges and one shared per round');
      const totals = await Promise.all(users.map(async (u) => (await MiniUser.findByPk(u))!.totalPoints));
      assert.equal(totals[0]! + totals[1]!, 200 - 55);
      assert.deepEqual(await findPointsDrift(), []);
    } finally {
      await Promise.all(meters.map((m) => m.close()));
    }
  });
});
