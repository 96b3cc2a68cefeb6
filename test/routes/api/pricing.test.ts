import assert from 'node:assert/strict';
import { Order, Promotion } from '../../../server/models/index.js';
import { syncPromotionStatuses } from '../../../server/services/catalog/index.js';
import { seedPackage, startWorld, type World } from '../../support/miniApi.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('catalog: server-side pricing of packages', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.restore());

  async function listed(pkgId: string) {
    const { status, body } = await w.api.call('GET', '/api/packages');
    assert.equal(status, 200);
    return body.data.find((p: { id: string }) => p.id === pkgId);
  }

  it('a discount inside its window: price × rate (half-up to the fen), bonus points added', async () => {
    const { pkg } = await seedPackage({ price: '50.00', points: 600, promotion: { promoType: 1, discountRate: '0.85', bonusPoints: 50 } });
    const p = await listed(pkg.id);
    assert.equal(p.originalPrice, '50.00');
    assert.equal(p.price, '42.50');
    assert.equal(p.discount, '7.50');
    assert.equal(p.points, 600);
    assert.equal(p.bonusPoints, 50);
    assert.equal(p.totalPoints, 650);
    assert.equal(p.promotion.type, 'discount');
    const odd = await seedPackage({ price: '9.99', promotion: { promoType: 1, discountRate: '0.33' } });
    assert.equal((await listed(odd.pkg.id)).price, '3.30', '9.99 × 0.33 = 3.2967 → 3.30');
  });

  it('discounts and full reductions outside their window (not started, ended) do not apply, whatever its status column says', async () => {
    const future = await seedPackage({ promotion: { promoType: 1, discountRate: '0.50', bonusPoints: 10, status: 1, startTime: new Date(Date.now() + HOUR), endTime: new Date(Date.now() + DAY) } });
    const past = await seedPackage({ promotion: { promoType: 1, discountRate: '0.50', bonusPoints: 10, status: 1, startTime: new Date(Date.now() - 2 * DAY), endTime: new Date(Date.now() - HOUR) } });
    const reductionEnded = await seedPackage({ promotion: { promoType: 2, minAmount: '10.00', reduceAmount: '5.00', bonusPoints: 10, startTime: new Date(Date.now() - 2 * DAY), endTime: new Date(Date.now() - HOUR) } });
    const reductionLater = await seedPackage({ promotion: { promoType: 2, minAmount: '10.00', reduceAmount: '5.00', bonusPoints: 10, startTime: new Date(Date.now() + HOUR), endTime: new Date(Date.now() + DAY) } });
    for (const { pkg } of [future, past, reductionEnded, reductionLater]) {
      const p = await listed(pkg.id);
      assert.equal(p.price, '50.00');
      assert.equal(p.bonusPoints, 0);
      assert.equal(p.promotion, null);
    }
  });

  it('the promotion status follows its window (worker sync)', async () => {
    const running = await seedPackage({ promotion: { promoType: 1, discountRate: '0.90', status: 0 } });
    const ended = await seedPackage({ promotion: { promoType: 1, discountRate: '0.90', status: 1, startTime: new Date(Date.now() - 2 * DAY), endTime: new Date(Date.now() - HOUR) } });
    assert.equal((await listed(running.pkg.id)).price, '45.00', 'the window decides, not the stored status');
    assert.ok((await syncPromotionStatuses()) >= 2);
    assert.equal((await Promotion.findByPk(running.promotion!.id))!.status, 1);
    assert.equal((await Promotion.findByPk(ended.promotion!.id))!.status, 2);
    assert.equal(await syncPromotionStatuses(), 0, 'nothing left to change');
  });

  it('a promotion applies only to its products', async () => {
    const other = await seedPackage();
    const { pkg } = await seedPackage({ promotion: { promoType: 1, discountRate: '0.50', applicableProducts: [other.product.id] } });
    assert.equal((await listed(pkg.id)).price, '50.00');
  });

  it('full reduction: min_amount reached → minus reduce_amount; below it → full price', async () => {
    const reached = await seedPackage({ price: '300.00', points: 4000, promotion: { promoType: 2, minAmount: '300.00', reduceAmount: '30.00', bonusPoints: 200 } });
    const p = await listed(reached.pkg.id);
    assert.equal(p.price, '270.00');
    assert.equal(p.totalPoints, 4200);
    assert.equal(p.promotion.type, 'full_reduction');
    const below = await seedPackage({ price: '10.00', points: 100, promotion: { promoType: 2, minAmount: '50.00', reduceAmount: '5.00', bonusPoints: 5 } });
    const q = await listed(below.pkg.id);
    assert.equal(q.price, '10.00');
    assert.equal(q.bonusPoints, 5, 'the promotion is running; only its reduction has a threshold');
  });

  it('lists only packages on sale, sorted, with hot flag and expiry; hides off-shelf and expired ones', async () => {
    const off = await seedPackage({ status: 0 });
    const expired = await seedPackage({ expireTime: new Date(Date.now() - HOUR) });
    const hot = await seedPackage({ isHot: true, sort: -32000, expireTime: new Date('2030-01-01T00:00:00Z') });
    const { body } = await w.api.call('GET', '/api/packages');
    const ids = body.data.map((p: { id: string }) => p.id);
    assert.ok(!ids.includes(off.pkg.id));
    assert.ok(!ids.includes(expired.pkg.id));
    assert.equal(ids[0], hot.pkg.id, 'lowest sort first');
    assert.equal(body.data[0].isHot, true);
    assert.equal(body.data[0].pointsExpireAt, '2030-01-01T00:00:00.000Z');
    const sorts = body.data.map((p: { sort: number }) => p.sort);
    assert.deepEqual(sorts, [...sorts].sort((a: number, b: number) => a - b));
  });

  it('the order takes the server price; a client-sent amount is ignored', async () => {
    const { pkg } = await seedPackage({ price: '50.00', points: 600, promotion: { promoType: 1, discountRate: '0.80', bonusPoints: 20 } });
    const u = await w.api.login(w.sim);
    const created = await w.api.call('POST', '/api/orders', {
      token: u.token,
      body: { packageId: pkg.id, amount: '0.01', totalAmount: 0.01, points: 999999, packageName: 'hack' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.totalAmount, '40.00');
    assert.equal(created.body.data.points, 600);
    assert.equal(created.body.data.bonusPoints, 20);
    const row = await Order.findByPk(created.body.data.id);
    assert.equal(row!.totalAmount, '40.00');
    assert.equal(row!.originalAmount, '50.00');
    assert.match(row!.orderNo, /^SH\d{24}$/);
  });

  it('refuses to order a package that is not on sale (404, 3xxx)', async () => {
    const off = await seedPackage({ status: 0 });
    const u = await w.api.login(w.sim);
    const answer = await w.api.call('POST', '/api/orders', { token: u.token, body: { packageId: off.pkg.id } });
    assert.equal(answer.status, 404);
    assert.equal(answer.body.code, 3404);
  });
});

describe('orders: open-order limit', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.restore());

  it('allows 10 unpaid orders even when 25 are placed at once (429, 4xxx), until one is cancelled', async () => {
    const { pkg } = await seedPackage();
    const u = await w.api.login(w.sim);
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => w.api.call('POST', '/api/orders', { token: u.token, body: { packageId: pkg.id } })),
    );
    const ids = answers.filter((a) => a.status === 201).map((a) => a.body.data.id as string);
    assert.equal(ids.length, 10);
    const refused = answers.find((a) => a.status !== 201)!;
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 4429);
    assert.equal((await w.api.call('POST', `/api/orders/${ids[0]}/cancel`, { token: u.token })).status, 200);
    assert.equal((await w.api.call('POST', '/api/orders', { token: u.token, body: { packageId: pkg.id } })).status, 201);
    const list = await w.api.call('GET', '/api/orders?status=pending&pageSize=5', { token: u.token });
    assert.equal(list.body.data.total, 10);
    assert.equal(list.body.data.items.length, 5);
  });
});
