import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/index.js';
import { MiniUser, PointsLot, PurchaseRecord } from '../../models/index.js';
import { createAdminUser } from '../identity/createAdminUser.js';
import {
  adjustPoints,
  creditPoints,
  drawPoints,
  expireLots,
  findPointsDrift,
  getPointsSummary,
  InsufficientPointsError,
  listPointsRecords,
  PointsOperation,
} from './index.js';

const DAY = 24 * 3600 * 1000;

async function newUser(): Promise<string> {
  return (await MiniUser.create({ openid: `o_${randomUUID()}` })).id;
}

/** A consumption as the metering charge books it: `points_draw` with the consume operation. */
function consume(input: { userId: string; points: number; apiName?: string; requestId?: string; meteringServiceId?: number; now?: Date }) {
  return inTransaction((t) => drawPoints(input, { operationType: PointsOperation.consume }, t));
}

async function credit(userId: string, points: number, expiresAt: Date) {
  return inTransaction((t) =>
    creditPoints({ userId, points, source: 'admin_adjust', expiresAt, operationType: PointsOperation.adminAdjust, memo: 'test' }, t),
  );
}

describe('points lots and ledger', () => {
  afterEach(async () => {
    assert.deepEqual(await findPointsDrift(), [], 'total_points must equal the unexpired lots and the last ledger row');
  });

  it('credits a lot, moves the total and writes the ledger row with the balance after it', async () => {
    const userId = await newUser();
    const { lot, record, balance } = await credit(userId, 120, new Date(Date.now() + 30 * DAY));
    assert.equal(balance, 120);
    assert.equal(lot.remaining, 120);
    assert.equal(record.remainingPoints, 120);
    assert.equal(record.pointsChange, 120);
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 120);
  });

  it('points_draw consumes from the soonest-expiring lot first, across lots', async () => {
    const userId = await newUser();
    const late = await credit(userId, 100, new Date(Date.now() + 90 * DAY));
    const soon = await credit(userId, 30, new Date(Date.now() + 5 * DAY));
    const mid = await credit(userId, 50, new Date(Date.now() + 30 * DAY));

    const first = await consume({ userId, points: 20, apiName: 'ocr' });
    assert.deepEqual(first.draws.map((d) => [d.lotId, d.points]), [[soon.lot.id, 20]]);
    assert.equal(first.balance, 160);
    assert.equal(first.record.lotId, soon.lot.id);

    const second = await consume({ userId, points: 70, apiName: 'ocr' });
    assert.deepEqual(
      second.draws.map((d) => [d.lotId, d.points]),
      [
        [soon.lot.id, 10],
        [mid.lot.id, 50],
        [late.lot.id, 10],
      ],
    );
    assert.equal(second.balance, 90);
    assert.equal(second.record.pointsChange, -70);
    assert.equal(second.record.remainingPoints, 90);
    const remaining = await PointsLot.findAll({ where: { userId }, order: [['expiresAt', 'ASC']] });
    assert.deepEqual(remaining.map((l) => l.remaining), [0, 0, 90]);
  });

  it('refuses to overdraw with a 5xxx error and changes nothing', async () => {
    const userId = await newUser();
    await credit(userId, 10, new Date(Date.now() + DAY));
    await assert.rejects(
      consume({ userId, points: 11 }),
      (err: unknown) => err instanceof InsufficientPointsError && err.code === 5101 && err.status === 409,
    );
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 10);
    assert.equal(await PurchaseRecord.count({ where: { userId, operationType: PointsOperation.consume } }), 0);
  });

  it('never overdraws under 40 concurrent consumptions', async () => {
    const userId = await newUser();
    await credit(userId, 50, new Date(Date.now() + 10 * DAY));
    await credit(userId, 50, new Date(Date.now() + 20 * DAY));
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        consume({ userId, points: 7 }).then(
          () => 'ok',
          (e) => (e instanceof InsufficientPointsError ? 'refused' : Promise.reject(e)),
        ),
      ),
    );
    assert.equal(results.filter((r) => r === 'ok').length, 14);
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 2);
    const records = await PurchaseRecord.findAll({ where: { userId, operationType: PointsOperation.consume }, order: [['seq', 'ASC']] });
    assert.deepEqual(
      records.map((r) => r.remainingPoints),
      Array.from({ length: 14 }, (_, i) => 100 - 7 * (i + 1)),
    );
  });

  it('charges a metering request id once', async () => {
    const userId = await newUser();
    await credit(userId, 10, new Date(Date.now() + DAY));
    const [service] = (await MiniUser.sequelize!.query(
      `INSERT INTO metering_services (name, client_id, secret_hash) VALUES ('svc_${randomUUID().slice(0, 8)}', '${randomUUID()}', repeat('0', 64)) RETURNING id`,
      { type: 'SELECT' },
    )) as Array<{ id: number }>;
    const charge = () =>
      consume({ userId, points: 3, requestId: 'req-1', meteringServiceId: service!.id });
    const results = await Promise.all([charge(), charge(), charge()]);
    assert.equal(results.filter((r) => !r.replayed).length, 1);
    assert.equal((await MiniUser.findByPk(userId))!.totalPoints, 7);
  });

  it('expires lots past their expiry (worker sweep), one ledger row each, and never spends them', async () => {
    const userId = await newUser();
    const now = Date.now();
    await credit(userId, 40, new Date(now + 1 * DAY));
    await credit(userId, 60, new Date(now + 3 * DAY));
    await consume({ userId, points: 10 });

    const swept = await expireLots(new Date(now + 2 * DAY));
    assert.ok(swept.points >= 30 && swept.users >= 1);
    const user = await MiniUser.findByPk(userId);
    assert.equal(user!.totalPoints, 60);
    const expireRows = await PurchaseRecord.findAll({ where: { userId, operationType: PointsOperation.expire } });
    assert.deepEqual(expireRows.map((r) => [r.pointsChange, r.remainingPoints]), [[-30, 60]]);
    assert.deepEqual(await expireLots(new Date(now + 2 * DAY)), { users: 0, points: 0 }, 'a second sweep finds nothing');

    // A consumption after the second expiry (before any sweep) must not touch the dead lot.
    await assert.rejects(
      consume({ userId, points: 1, now: new Date(now + 4 * DAY) }),
      InsufficientPointsError,
    );
    const summary = await getPointsSummary(userId, new Date(now + 4 * DAY));
    assert.equal(summary.balance, 0);
    assert.deepEqual(summary.lots, []);
  });

  it('summarises the balance and nearest expiry and pages the ledger by type', async () => {
    const userId = await newUser();
    const soon = new Date(Date.now() + 2 * DAY);
    await credit(userId, 5, soon);
    await credit(userId, 7, soon);
    await credit(userId, 9, new Date(Date.now() + 9 * DAY));
    await consume({ userId, points: 1 });
    const admin = await createAdminUser({ username: `points_${randomUUID().slice(0, 8)}`, password: 'abcd1234', role: 'super_admin' });
    await adjustPoints({ userId, delta: -2, actor: { id: admin.id, role: 'super_admin', parentId: null }, memo: 'fix' });
    const summary = await getPointsSummary(userId);
    assert.equal(summary.balance, 18);
    assert.equal(summary.nearestExpiry, soon.toISOString());
    assert.equal(summary.nearestExpiryPoints, 9);
    assert.equal(summary.lots.length, 3);

    const all = await listPointsRecords(userId, { page: 1, pageSize: 2 });
    assert.equal(all.total, 5);
    assert.deepEqual(all.items.map((i) => i.type), ['admin_adjust', 'consume']);
    const consumes = await listPointsRecords(userId, { page: 1, pageSize: 10, type: PointsOperation.consume });
    assert.equal(consumes.total, 1);
    assert.equal(consumes.items[0]!.remainingPoints, 20);
  });
});
