import assert from 'node:assert/strict';
import { ApiCatalogEntry, Article } from '../../server/models/index.js';
import { createApiKey } from '../../server/services/apiKeys/createApiKey.js';
import { creditLots, newApi } from '../support/apiKeys.js';
import { until } from '../support/until.js';
import { seedPackage, startWorld, type World } from '../support/miniApi.js';
import { freshRedeemAllowance, openHeld, retry, signIn, withEmptyCatalog, withNothingOnSale } from './fixtures.js';
import { atTimeScale, MiniRuntime, useMiniprogramDom } from './harness.js';

/**
 * Every page of the mini-program rendered in miniprogram-simulate against the real server: its
 * loading, empty, data and error states, and its interactions. Network failures are real (the
 * request fails before reaching the server); everything else is the server's real answer.
 */
describe('mini-program pages', function () {
  this.timeout(30_000);
  useMiniprogramDom();
  let w: World;
  let rt: MiniRuntime;
  let hot: { id: string; name: string };

  before(async () => {
    w = await startWorld();
    await seedPackage({ price: '10.00', points: 100, sort: 1 });
    hot = (await seedPackage({ price: '50.00', points: 600, isHot: true, sort: 2 })).pkg;
    await seedPackage({ price: '300.00', points: 4000, sort: 3, promotion: { promoType: 1, discountRate: '0.90', bonusPoints: 200 } });
    await newApi(2, `ocr_${Date.now()}`);
  });
  after(() => w.restore());
  beforeEach(() => {
    rt = new MiniRuntime({ server: w.server.url, sim: w.sim, merchantPublicKey: w.merchant.publicKey });
  });
  afterEach(async () => {
    assert.deepEqual(rt.undocumented, [], 'every request the pages made is in the OpenAPI document');
    await rt.close();
  });

  /** Opens a page with the network down: its error state, then retry with the network back. */
  async function errorThenRetry(route: string, query: Record<string, string> = {}) {
    rt.networkDown = true;
    await rt.open(route, query);
    await rt.settle();
    const shown = rt.text();
    rt.networkDown = false;
    await retry(rt);
    return shown;
  }

  describe('launch', () => {
    it('logs in silently and lands on the home tab; a failed login offers to try again', async () => {
      const { loadingText } = await openHeld(rt, 'pages/launch/index');
      assert.match(loadingText, /正在登录/);
      assert.equal(rt.route, 'pages/home/index');

      const again = new MiniRuntime({ server: w.server.url, sim: w.sim });
      again.networkDown = true;
      await again.open('pages/launch/index');
      assert.match(again.text(), /登录失败：网络连接失败/);
      again.networkDown = false;
      await again.tap('.login');
      assert.equal(again.route, 'pages/home/index');
      await again.close();
      rt = new MiniRuntime({ server: w.server.url, sim: w.sim });
    });
  });

  describe('home', () => {
    it('loading, then nickname and balance, the hot package, keys in use, the status notice', async () => {
      const userId = await signIn(rt, 1200);
      await createApiKey({ userId }, { name: 'a', validityMonths: 1 });
      await createApiKey({ userId }, { name: 'b', validityMonths: 1 });
      // Only an API of its own in the catalog: other suites' APIs may be degraded by their refused charges.
      const tag = Math.random().toString(36).slice(2, 8);
      const text = await withEmptyCatalog(async () => {
        const own = await ApiCatalogEntry.create({ name: `home.fine.${tag}`, path: `/v1/fine/${tag}`, pointsPerCall: 1 });
        try {
          const { loadingText } = await openHeld(rt, 'pages/home/index');
          assert.match(loadingText, /加载中/);
          return rt.text();
        } finally {
          await own.destroy();
        }
      });
      assert.match(text, /你好，微信用户/);
      assert.match(text, /可用积分 ?1,200/);
      assert.match(text, /50元=600积分，最热销/);
      assert.match(text, /2个Key使用中/);
      assert.match(text, /所有 API 服务运行正常/);
    });

    it('an API in maintenance unfolds the status in red with its message; a notice alone does not; 刷新 re-reads the balance', async () => {
      const notice = await Article.create({ kind: 'service_status', title: '所有 API 运行正常', summary: '欢迎使用', content: '…', status: 'published', publishedAt: new Date(Date.now() - 1000) });
      try {
        await withEmptyCatalog(async () => {
          const tag = Math.random().toString(36).slice(2, 8);
          const ok = await ApiCatalogEntry.create({ name: `home.ok.${tag}`, path: `/v1/ok/${tag}`, pointsPerCall: 1, description: '文本翻译' });
          const down = await ApiCatalogEntry.create({ name: `home.down.${tag}`, path: `/v1/down/${tag}`, pointsPerCall: 1, description: '图片识别' });
          try {
            const userId = await signIn(rt);
            await rt.open('pages/home/index');
            assert.match(rt.text(), /所有 API 服务运行正常/, 'a published notice alone is no problem');
            assert.ok(!rt.find('.service-status').querySelector('.notice-bad'));

            await down.update({ serviceStatus: 'maintenance', serviceMessage: '预计 30 分钟恢复' });
            await rt.open('pages/home/index');
            const status = rt.find('.service-status');
            assert.match(rt.text(), /1 个 API 服务异常/);
            assert.match(rt.text(), /维护中\s*图片识别\s*预计 30 分钟恢复/);
            assert.match(rt.text(), /正常\s*文本翻译/);
            assert.ok(status.querySelector('.notice-bad'), 'the notice is red');
            await creditLots(userId, 50); // the balance changes while the page is open
            await rt.tap('.refresh');
            assert.match(rt.text(), /可用积分 ?50/);
            assert.ok(rt.toasts.includes('积分已更新'));
          } finally {
            await ApiCatalogEntry.destroy({ where: { id: [ok.id, down.id] } });
          }
        });
      } finally {
        await notice.destroy();
      }
    });

    it('error state on a network failure, retry loads; the floating bar opens the key dialog', async () => {
      assert.match(await errorThenRetry('pages/home/index'), /网络连接失败，请检查网络后重试/);
      assert.match(rt.text(), /可用积分/);
      await rt.tap('.floating .btn-ghost');
      assert.equal(rt.route, 'pages/keys/index');
      assert.match(rt.text(), /生成新Key.*Key名称/);
    });
  });

  describe('buy', () => {
    it('shows balance and expiry, recommended and all packages; a tap selects with a blue border and locks pay for 1 s', async () => {
      await signIn(rt, 300);
      await rt.open('pages/buy/index');
      const text = rt.text();
      assert.match(text, /可用积分 ?300/);
      assert.match(text, /有效期至 ?\d{4}-\d{2}-\d{2}/);
      assert.match(text, /推荐套餐.*热销.*600 积分.*¥50.*立即充值/);
      assert.match(text, /赠200积分/, 'the promotion as the server prices it');
      // Other suites share the database (and their hot packages): the first recommended one is chosen.
      assert.equal(rt.page.data.selectedId, rt.page.data.recommended[0].id, 'a hot package is chosen to start with');
      assert.ok(rt.page.data.recommended.some((p: { id: string }) => p.id === hot.id));
      const firstHot = rt.page.data.selectedId as string;

      const small = rt.all('.small-card').find((c) => /100 积分/.test(c.dom.textContent ?? ''))!;
      await atTimeScale(1, async () => {
        small.dispatchEvent('tap');
        await new Promise((r) => setTimeout(r, 1));
        assert.notEqual(rt.page.data.selectedId, firstHot);
        assert.match(small.dom.className, /selected/);
        assert.equal(rt.page.data.locked, true, 'the pay button is disabled right after the tap');
        assert.match(rt.find('.pay').dom.className, /btn-disabled/);
        rt.find('.pay').dispatchEvent('tap');
        await new Promise((r) => setTimeout(r, 1));
        assert.equal(rt.route, 'pages/buy/index', 'a tap while locked does nothing');
        await new Promise((r) => setTimeout(r, 1100));
        assert.equal(rt.page.data.locked, false, 'usable again after a second');
      });
      await rt.tap('.pay');
      assert.equal(rt.route, 'pages/order-confirm/index');
    });

    it('empty when nothing is on sale; error state with retry', async () => {
      await signIn(rt);
      await withNothingOnSale(async () => {
        await rt.open('pages/buy/index');
        assert.match(rt.text(), /暂无在售套餐/);
      });
      assert.match(await errorThenRetry('pages/buy/index'), /网络连接失败/);
      assert.match(rt.text(), /全部套餐/);
    });
  });

  describe('order confirm', () => {
    it('package, points, validity, WeChat Pay, the no-refund notice; 立即支付 stays disabled for 1 s', async () => {
      await signIn(rt);
      const { loadingText } = await openHeld(rt, 'pages/order-confirm/index', { packageId: hot.id });
      assert.match(loadingText, /加载中/);
      assert.match(rt.text(), /600 积分.*积分有效期至2099-12-31.*微信支付.*¥50.*虚拟商品不支持退款，请确认套餐内容/);
      rt.payBehaviour = 'cancel';
      await atTimeScale(1, async () => {
        const started = Date.now();
        rt.find('.pay').dispatchEvent('tap');
        await new Promise((r) => setTimeout(r, 1));
        assert.equal(rt.page.data.busy, true, 'disabled at once');
        await until(() => !rt.page.data.busy || rt.route !== 'pages/order-confirm/index', 'the button to come back', 5000);
        assert.ok(rt.route !== 'pages/order-confirm/index' || Date.now() - started >= 1000, 'disabled for at least a second');
      });
      await rt.settle();
      assert.equal(rt.route, 'pages/pay-fail/index');
    });

    it('a package no longer on sale and a network failure are clear errors', async () => {
      await signIn(rt);
      await rt.open('pages/order-confirm/index', { packageId: '00000000-0000-4000-8000-000000000000' });
      assert.match(rt.text(), /该套餐已下架/);
      assert.match(await errorThenRetry('pages/order-confirm/index', { packageId: hot.id }), /网络连接失败/);
      assert.match(rt.text(), /立即支付/);
    });
  });

  describe('payment results', () => {
    async function paidOrderId(userToken: string) {
      const order = await w.api.call('POST', '/api/orders', { token: userToken, body: { packageId: hot.id } });
      await w.api.call('POST', `/api/orders/${order.body.data.id}/pay`, { token: userToken });
      w.sim.pay(order.body.data.orderNo);
      await w.sim.settled();
      return order.body.data.id as string;
    }

    it('支付成功: amount → points, validity, the legal line, a 5-second countdown back home', async () => {
      await signIn(rt);
      const u = await w.api.login(w.sim, rt.openid);
      const orderId = await paidOrderId(u.token);
      // A second per step at a fifth of real time: watch it count down, then land home.
      const seen = await atTimeScale(0.2, async () => {
        await rt.open('pages/pay-success/index', { orderId });
        assert.match(rt.text(), /支付成功.*¥50.*600 积分.*有效期至2099-12-31.*查看积分余额.*生成API Key.*即将返回首页（5）.*积分为虚拟商品，不支持提现或退款/);
        const numbers: number[] = [];
        while (rt.route === 'pages/pay-success/index') {
          const n = Number(/即将返回首页（(\d)）/.exec(rt.text())?.[1]);
          if (numbers.at(-1) !== n) numbers.push(n);
          await new Promise((r) => setTimeout(r, 5));
        }
        return numbers;
      });
      assert.deepEqual(seen, [5, 4, 3, 2, 1]);
      await rt.settle();
      assert.equal(rt.route, 'pages/home/index');
    });

    it('支付成功 for an unknown order is an error state', async () => {
      await signIn(rt);
      await rt.open('pages/pay-success/index', { orderId: '00000000-0000-4000-8000-000000000000' });
      assert.match(rt.text(), /订单不存在.*重试/);
    });

    it('支付失败: the reason, 重新支付 back to the confirmation, 联系客服, no redirect', async () => {
      await rt.open('pages/pay-fail/index', { packageId: hot.id, reason: encodeURIComponent('余额不足') });
      assert.match(rt.text(), /支付失败.*失败原因：余额不足.*重新支付.*联系客服/);
      assert.equal(rt.find('.contact').dom.tagName, 'WX-BUTTON', 'WeChat\'s customer-service button (open-type="contact")');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(rt.route, 'pages/pay-fail/index');
      await signIn(rt);
      await rt.tap('.retry');
      assert.equal(rt.route, 'pages/order-confirm/index');
    });

    it('支付处理中: polls until paid → success; never paid → "check again later"; error state', async () => {
      await signIn(rt);
      const u = await w.api.login(w.sim, rt.openid);
      const order = (await w.api.call('POST', '/api/orders', { token: u.token, body: { packageId: hot.id } })).body.data;
      await w.api.call('POST', `/api/orders/${order.id}/pay`, { token: u.token });
      const opening = rt.open('pages/pay-pending/index', { orderId: order.id });
      await new Promise((r) => setTimeout(r, 5));
      assert.match(rt.text(), /支付处理中.*正在确认支付结果/);
      await opening;
      assert.match(rt.text(), /暂未收到支付结果.*再查一次.*查看购买记录.*返回首页/);
      w.sim.pay(order.orderNo);
      await w.sim.settled();
      await rt.tap('.again');
      assert.equal(rt.route, 'pages/pay-success/index');

      rt.networkDown = true;
      await rt.open('pages/pay-pending/index', { orderId: order.id });
      assert.match(rt.text(), /网络连接失败/);
      rt.networkDown = false;
    });
  });

  describe('purchases and points history', () => {
    it('购买记录: empty, then orders with status, paginated, pull to refresh; error state', async () => {
      await signIn(rt);
      const { loadingText } = await openHeld(rt, 'pages/orders/index');
      assert.match(loadingText, /加载中/);
      assert.match(rt.text(), /还没有购买记录/);
      const u = await w.api.login(w.sim, rt.openid);
      // At most 10 open orders per user: cancel some on the way (they stay listed, closed).
      for (let i = 0; i < 11; i++) {
        const order = await w.api.call('POST', '/api/orders', { token: u.token, body: { packageId: hot.id } });
        assert.equal(order.status, 201, JSON.stringify(order.body));
        if (i < 3) assert.equal((await w.api.call('POST', `/api/orders/${order.body.data.id}/cancel`, { token: u.token })).status, 200);
      }
      await rt.page.instance.onPullDownRefresh();
      await rt.settle();
      assert.equal(rt.all('.order').length, 10);
      assert.match(rt.text(), /待支付.*¥50.*\+600 积分/);
      assert.match(rt.text(), /加载更多/);
      await rt.page.instance.onReachBottom();
      await rt.settle();
      assert.equal(rt.all('.order').length, 11);
      assert.match(rt.text(), /已关闭/);
      assert.match(rt.text(), /没有更多了/);
      assert.match(await errorThenRetry('pages/orders/index'), /网络连接失败/);
      assert.equal(rt.all('.order').length, 10);
    });

    it('积分记录: empty, records by type with filter, error state', async () => {
      const userId = await signIn(rt);
      await rt.open('pages/points-records/index');
      assert.match(rt.text(), /暂无积分记录/);
      await creditLots(userId, 70);
      await rt.tap('.chip');
      assert.match(rt.text(), /调整 · test.*\+70.*余额 70/);
      const consume = rt.all('.chip').find((c) => c.dom.textContent === '消费')!;
      consume.dispatchEvent('tap');
      await rt.settle();
      assert.equal(rt.page.data.type, 'consume');
      assert.match(rt.text(), /暂无积分记录/);
      assert.match(await errorThenRetry('pages/points-records/index', { type: 'consume' }), /网络连接失败/);
    });
  });

  describe('API keys', () => {
    it('empty list, then cards with status, remaining points, calls today and last use; filter by status and name', async () => {
      const userId = await signIn(rt, 80);
      const { loadingText } = await openHeld(rt, 'pages/keys/index');
      assert.match(loadingText, /加载中/);
      assert.match(rt.text(), /还没有 API Key/);
      await createApiKey({ userId }, { name: '生产环境', validityMonths: 12 });
      const off = await createApiKey({ userId }, { name: '测试', validityMonths: 1 });
      await w.api.call('PATCH', `/api/v1/api-keys/${off.id}`, { token: (await w.api.login(w.sim, rt.openid)).token, body: { enabled: false } });
      await rt.page.instance.onPullDownRefresh();
      await rt.settle();
      const text = rt.text();
      assert.match(text, /生产环境.*活跃.*剩余积分 80.*今日调用 0.*最近调用：从未使用/);
      assert.match(text, /测试.*已禁用/);
      const disabledChip = rt.all('.chip').find((c) => c.dom.textContent === '已禁用')!;
      disabledChip.dispatchEvent('tap');
      await rt.settle();
      assert.equal(rt.all('.key').length, 1);
      await rt.input('.search', '不存在', 'confirm');
      assert.match(rt.text(), /没有符合条件的 Key/);
    });

    it('batch selection: select several, disable them, delete them (after confirming)', async () => {
      const userId = await signIn(rt, 10);
      for (const name of ['k1', 'k2', 'k3']) await createApiKey({ userId }, { name, validityMonths: 1 });
      await rt.open('pages/keys/index');
      await rt.tap('.select-toggle');
      const cards = rt.all('.key');
      cards[0]!.dispatchEvent('tap');
      cards[1]!.dispatchEvent('tap');
      await rt.settle();
      assert.match(rt.text(), /已选 2 个/);
      assert.equal(rt.route, 'pages/keys/index', 'a tap selects instead of opening the key');
      await rt.tap('.batch-disable');
      assert.match(rt.modals.at(-1)!.content!, /确定禁用选中的 2 个 Key/);
      assert.match(rt.toasts.at(-1)!, /已禁用 2 个/);
      assert.equal((rt.text().match(/已禁用/g) ?? []).length >= 2, true);

      await rt.tap('.select-toggle');
      rt.modalAnswer = false;
      rt.all('.key')[0]!.dispatchEvent('tap');
      await rt.settle();
      await rt.tap('.batch-delete');
      assert.equal(rt.all('.key').length, 3, 'nothing deleted without confirmation');
      rt.modalAnswer = true;
      await rt.tap('.batch-delete');
      assert.equal(rt.all('.key').length, 2);
    });

    it('生成新Key dialog: default name, ≤ 20 characters, scope, CIDR refused on both sides, validity; the key shown once behind 「我已保存」', async () => {
      await signIn(rt);
      await rt.open('pages/keys/index');
      await rt.tap('.create');
      assert.equal(rt.page.data.form.name, '我的第一个Key', 'the first key gets the default name');
      await rt.input('.form-name', '这是一个超过二十个字符的名字这是一个超过二十个');
      await rt.tap('.submit');
      assert.match(rt.text(), /Key 名称最多 20 个字符/);
      await rt.input('.form-name', '我的第一个Key');
      await rt.tap('.scope-chosen');
      await rt.tap('.submit');
      assert.match(rt.text(), /请至少选择一个接口/);
      await rt.tap('.api');
      await rt.input('.form-whitelist', '10.0.0.0/8\n192.168.1.300\n2001:db8::/129');
      const before = rt.requests.length;
      await rt.tap('.submit');
      assert.match(rt.text(), /格式错误：192\.168\.1\.300、2001:db8::\/129/);
      assert.equal(rt.requests.filter((r) => r.method === 'POST').length, rt.requests.slice(0, before).filter((r) => r.method === 'POST').length, 'refused before sending');
      await rt.input('.form-whitelist', '10.0.0.0/8\n2001:db8::/32');
      const three = rt.all('.validity').find((c) => c.dom.textContent === '3个月')!;
      three.dispatchEvent('tap');
      await rt.settle();
      await rt.tap('.submit');

      assert.equal(rt.route, 'pages/key-created/index');
      const key = rt.page.data.key.key as string;
      assert.match(key, /^sh_live_/);
      assert.match(rt.text(), /新Key明文仅此一次可见.*复制Key.*Key一旦关闭将无法再次查看.*我已保存/);
      await rt.tap('.copy');
      assert.equal(rt.clipboard, key);
      await rt.tap('.close');
      assert.equal(rt.route, 'pages/key-created/index', 'closing needs the tick');
      assert.equal(rt.toasts.at(-1), '请先勾选「我已保存」');
      await rt.tap('.tick');
      await rt.tap('.close');
      assert.equal(rt.route, 'pages/keys/index');
      assert.ok(!rt.text().includes(key), 'the list never shows the key');
      assert.ok(![...rt.storage.values()].some((v) => JSON.stringify(v).includes(key)), 'never stored on the device');
    });

    it('the server refuses what the form let through (CIDR it checks again); key-created without a key shows nothing secret', async () => {
      await signIn(rt);
      const created = await w.api.call('POST', '/api/v1/api-keys', { token: (await w.api.login(w.sim, rt.openid)).token, body: { name: 'x', validityMonths: 1, ipWhitelist: ['300.1.1.1/8'] } });
      assert.equal(created.status, 400);
      assert.equal(created.body.reason, 'INVALID_IP_WHITELIST');
      await rt.open('pages/key-created/index');
      assert.match(rt.text(), /Key一旦关闭将无法再次查看/);
      assert.equal(rt.find('.state-view').querySelector('.empty') !== undefined, true);
    });

    it('key detail: stats for 30 days, rename, disable, scope and whitelist (CIDR refused), delete; other users\' keys are not found', async () => {
      const userId = await signIn(rt, 100);
      const key = await createApiKey({ userId }, { name: '详情', validityMonths: 6 });
      await rt.open('pages/keys/index');
      rt.hold();
      rt.find('.key').dispatchEvent('tap');
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(rt.route, 'pages/key-detail/index');
      assert.match(rt.text(), /加载中/);
      rt.release();
      await rt.settle();
      assert.match(rt.text(), /近30天调用统计.*合计：0 次，0 积分/);
      assert.equal(rt.all('.bar').length, 30);
      await rt.input('.name', '新名字');
      await rt.tap('.save-name');
      assert.equal(rt.toasts.at(-1), '名称已保存');
      await rt.toggle('.enabled', false);
      assert.match(rt.text(), /已禁用/);
      await rt.input('.whitelist', 'abc');
      await rt.tap('.save-access');
      assert.match(rt.text(), /格式错误：abc/);
      await rt.input('.whitelist', '10.1.0.0/16');
      await rt.tap('.save-access');
      assert.equal(rt.toasts.at(-1), '权限已保存');
      const listed = await w.api.call('GET', `/api/v1/api-keys/${key.id}`, { token: (await w.api.login(w.sim, rt.openid)).token });
      assert.deepEqual([listed.body.data.name, listed.body.data.enabled, listed.body.data.ipWhitelist], ['新名字', false, ['10.1.0.0/16']]);
      await rt.tap('.delete');
      assert.match(rt.modals.at(-1)!.content!, /确定删除选中的 1 个 Key/);
      assert.equal(rt.route, 'pages/keys/index');
      assert.match(rt.text(), /还没有 API Key/);

      const stranger = new MiniRuntime({ server: w.server.url, sim: w.sim });
      await signIn(stranger);
      await stranger.open('pages/key-detail/index', { id: key.id });
      assert.match(stranger.text(), /API Key 不存在/);
      await stranger.close();
    });
  });

  describe('me, redeem, docs, articles', () => {
    it('个人中心: nickname (edited), unbound phone/email greyed, last consumptions, last call, reminder switch, logout in red', async () => {
      await signIn(rt);
      const { loadingText } = await openHeld(rt, 'pages/me/index');
      assert.match(loadingText, /加载中/);
      const text = rt.text();
      assert.match(text, /微信用户.*编辑资料.*未绑定手机.*未绑定邮箱/);
      assert.match(text, /暂无消耗记录.*暂无调用记录/);
      assert.match(text, /绑定手机号 ?暂未开放.*绑定邮箱 ?暂未开放.*退出登录$/);
      await rt.tap('.edit');
      await rt.input('.nickname-input', '海马用户');
      await rt.tap('.save-nickname');
      assert.match(rt.text(), /海马用户/);
      await rt.toggle('.reminder', false);
      const settings = await w.api.call('GET', '/api/user/settings', { token: (await w.api.login(w.sim, rt.openid)).token });
      assert.equal(settings.body.data.paymentReminder, false);
      await rt.tap('.logout');
      assert.equal(rt.route, 'pages/launch/index');
      assert.match(rt.text(), /微信登录/);
      assert.equal(rt.storage.get('seahorse.session'), undefined);
    });

    it('个人中心 error state with retry', async () => {
      assert.match(await errorThenRetry('pages/me/index'), /网络连接失败/);
      assert.match(rt.text(), /退出登录/);
    });

    it('兑换卡密: a wrong code is refused clearly', async () => {
      await freshRedeemAllowance();
      await signIn(rt);
      await rt.open('pages/redeem/index');
      assert.match(rt.text(), /输入16位兑换码/);
      await rt.input('.code', 'ABCD-EFGH-JKLM-NPQR');
      await rt.tap('.submit');
      assert.match(rt.text(), /兑换码无效或已被使用/);
    });

    it('文档中心: the catalog with prices; empty; error', async () => {
      await signIn(rt);
      await rt.open('pages/docs/index');
      assert.match(rt.text(), /ocr_\d+.*2 积分\/次/);
      await withEmptyCatalog(async () => {
        await rt.open('pages/docs/index');
        assert.match(rt.text(), /暂无数据/);
      });
      assert.match(await errorThenRetry('pages/docs/index'), /网络连接失败/);
    });

    it('关于我们 / 用户协议: published article, "not published yet", error', async () => {
      // Page keys of its own: the articles' keys are unique across the run's database.
      const slug = `about-${Date.now()}`;
      const about = await Article.create({ kind: 'article', slug, title: '关于海马', content: '我们提供 API 积分服务。', status: 'published', publishedAt: new Date(Date.now() - 1000) });
      try {
        const { loadingText } = await openHeld(rt, 'pages/article/index', { slug });
        assert.match(loadingText, /加载中/);
        assert.match(rt.text(), /关于海马.*我们提供 API 积分服务。/);
        assert.equal(rt.title, '关于海马');
        await rt.open('pages/article/index', { slug: `${slug}-draft` });
        assert.match(rt.text(), /内容暂未发布/);
        assert.match(await errorThenRetry('pages/article/index', { slug }), /网络连接失败/);
      } finally {
        await about.destroy();
      }
    });
  });

  describe('English', () => {
    it('every page speaks English when WeChat does, including server refusals', async () => {
      rt.lang = 'en';
      await freshRedeemAllowance();
      await signIn(rt);
      await rt.open('pages/home/index');
      assert.match(rt.text(), /Hello, WeChat user.*Available points.*¥50 = 600 points, best seller/);
      assert.equal(rt.title, 'Home');
      await rt.open('pages/buy/index');
      assert.match(rt.text(), /Recommended.*Hot.*Buy now/);
      await rt.open('pages/redeem/index');
      await rt.input('.code', 'ABCD-EFGH-JKLM-NPQR');
      await rt.tap('.submit');
      assert.match(rt.text(), /This code is not valid or was already used/);
      assert.doesNotMatch(rt.text(), /[\u4e00-\u9fff]/, 'no Chinese left on the page');
    });
  });

});
