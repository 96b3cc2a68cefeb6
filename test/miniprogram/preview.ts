import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { Article, CardKey, CardKeyBatch, MiniUser, Project } from '../../server/models/index.js';
import { createApiKey } from '../../server/services/apiKeys/createApiKey.js';
import { generateCodes } from '../../server/services/cardKeys/codes.js';
import { projectRoot } from '../../server/lib/paths.js';
import { charge, creditLots, newApi, newService, theSuperAdmin } from '../support/apiKeys.js';
import { seedPackage, startWorld, type World } from '../support/miniApi.js';
import { CHROMIUM_FLAGS } from '../support/browser.js';
import { mochaGlobalSetup, mochaGlobalTeardown } from '../support/global.js';
import { until } from '../support/until.js';
import { freshRedeemAllowance } from './fixtures.js';
import { installMiniprogramDom, MiniRuntime, miniModule, TIME_SCALE } from './harness.js';

/**
 * `npm run miniprogram:preview`: every page of the mini-program in its main states, rendered by
 * miniprogram-simulate against a throw-away server and database (as the page tests do), with its
 * WXSS (rpx → px at 375 px), drawn by Debian's chromium at 375×667 into PNG files — in Chinese and
 * in English. An approximation of WeChat's renderer, for reviewing pages without WeChat DevTools.
 */

const OUT = join(projectRoot(), 'miniprogram-preview');
const NOTE =
  'Note: these screenshots are an APPROXIMATION of WeChat\'s renderer — the pages\' DOM from miniprogram-simulate plus their WXSS ' +
  '(rpx converted at 375 px), drawn by chromium with a hand-made navigation bar and tab bar. WeChat\'s own components ' +
  '(button, switch, input, tab bar, navigation bar) look somewhat different; check the real thing in WeChat DevTools.\n' +
  '说明：以下截图是对微信渲染效果的近似（miniprogram-simulate 生成的页面 DOM + 换算后的 WXSS，由 chromium 绘制），与微信开发者工具中的实际效果会有差异。';

const FRAME_CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; width: 375px; height: 667px; overflow: hidden; font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", sans-serif; background: #f5f6f8; -webkit-font-smoothing: antialiased; }
.status { height: 20px; background: #fff; font-size: 12px; display: flex; justify-content: space-between; padding: 2px 12px 0; color: #111; font-weight: 600; }
.nav { height: 44px; background: #fff; display: flex; align-items: center; justify-content: center; font-size: 17px; font-weight: 600; color: #111; position: relative; border-bottom: 1px solid #ececec; }
.nav .back { position: absolute; left: 12px; font-size: 24px; font-weight: 400; }
.nav .capsule { position: absolute; right: 8px; width: 87px; height: 32px; border: 1px solid #e5e5e5; border-radius: 16px; display: flex; align-items: center; justify-content: space-around; font-size: 14px; color: #333; }
.screen { display: block; width: 375px; border: 0; }
.tabbar { position: absolute; bottom: 0; left: 0; right: 0; height: 50px; display: flex; background: #fff; border-top: 1px solid #e5e5e5; }
.tabbar div { flex: 1; display: flex; align-items: center; justify-content: center; font-size: 13px; color: #8a8f99; }
.tabbar div.on { color: #1677ff; font-weight: 600; }
main, page-wrapper, wx-view, wx-scroll-view, wx-swiper, wx-form, wx-image { display: block; }
wx-text { display: inline; }
wx-view > wx-text { display: inline-block; }
.col > wx-text { display: block; }
wx-button { display: flex; align-items: center; justify-content: center; font-size: 15px; border-radius: 22px; }
wx-input, wx-textarea { display: block; color: #1f2329; white-space: pre-wrap; overflow: hidden; }
.wx-field { display: inline; }
.wx-placeholder { color: #b4b9c2; }
wx-switch { display: inline-block; }
.wx-switch { display: block; width: 50px; height: 30px; border-radius: 15px; background: #e5e5e5; position: relative; }
.wx-switch::after { content: ""; position: absolute; top: 2px; left: 2px; width: 26px; height: 26px; border-radius: 13px; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.3); }
.wx-switch-on { background: #07c160; }
.wx-switch-on::after { left: 22px; }
img.wx-image { display: block; object-fit: cover; }
`;

const TABS = ['home', 'buy', 'keys', 'me'];
const TAB_ROUTES: Record<string, string> = { 'pages/home/index': 'home', 'pages/buy/index': 'buy', 'pages/keys/index': 'keys', 'pages/me/index': 'me' };

/** The page's DOM, images drawn as images (the harness's image component holds its source as text). */
function pageHtml(rt: MiniRuntime): string {
  const copy = rt.page.dom.cloneNode(true) as HTMLElement;
  for (const image of Array.from(copy.querySelectorAll('wx-image'))) {
    const img = copy.ownerDocument.createElement('img');
    img.className = `${image.className} wx-image`;
    img.setAttribute('src', image.textContent ?? '');
    image.replaceWith(img);
  }
  return copy.outerHTML;
}

/**
 * The phone: WeChat's status and navigation bars, the page in an iframe the size of WeChat's page
 * area (so `vh` and `position: fixed` mean what they mean there), and the tab bar on tab pages.
 */
function frame(rt: MiniRuntime, t: { tabs: Record<string, string> }, back: boolean): string {
  const tab = TAB_ROUTES[rt.route];
  const screenHeight = 667 - 64 - (tab ? 50 : 0);
  const tabbar = tab
    ? `<div class="tabbar">${TABS.map((key) => `<div class="${key === tab ? 'on' : ''}">${t.tabs[key]}</div>`).join('')}</div>`
    : '';
  const page = `<!doctype html><html><head><meta charset="utf-8"><style>${FRAME_CSS}</style><style>${rt.css}</style></head><body style="height:auto">${pageHtml(rt)}</body></html>`;
  const srcdoc = page.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html><html><head><meta charset="utf-8"><style>${FRAME_CSS}</style></head><body>
<div class="status"><span>9:41</span><span>100%</span></div>
<div class="nav">${back ? '<span class="back">‹</span>' : ''}<span>${rt.title}</span><span class="capsule">··· | ◎</span></div>
<iframe class="screen" style="height:${screenHeight}px" srcdoc="${srcdoc}"></iframe>${tabbar}</body></html>`;
}

async function main(): Promise<void> {
  await mochaGlobalSetup();
  const restoreDom = installMiniprogramDom();
  miniModule<{ clock: { scale: number } }>('lib/clock.ts').clock.scale = TIME_SCALE;
  const w: World = await startWorld();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  const tab = await browser.newPage({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2 });
  rmSync(OUT, { recursive: true, force: true });
  let count = 0;
  try {
    // The operator's package names (data, in one language as the admin typed them).
    await (await seedPackage({ price: '10.00', points: 100, sort: 1 })).pkg.update({ name: '体验包' });
    const hot = (await seedPackage({ price: '50.00', points: 600, isHot: true, sort: 2 })).pkg;
    await hot.update({ name: '标准包' });
    const big = await seedPackage({ price: '300.00', points: 4000, sort: 3, promotion: { promoType: 1, discountRate: '0.90', bonusPoints: 200 } });
    await big.pkg.update({ name: '专业包' });
    await big.promotion!.update({ name: '首充九折' });
    const apis = [await newApi(1, 'text.translate'), await newApi(2, 'ocr.general'), await newApi(10, 'image.generate')];
    const service = await newService();
    await Article.create({ kind: 'service_status', title: '图片生成接口临时维护中', summary: '预计 30 分钟内恢复，其他接口不受影响', content: '维护中', status: 'published', publishedAt: new Date(Date.now() - 60_000) });
    await Article.create({ kind: 'article', slug: 'about', title: '关于我们', content: '海马 API 积分为开发者提供按次计费的 API 服务。\n\n客服电话：400-000-0000', status: 'published', publishedAt: new Date(Date.now() - 60_000) });

    for (const lang of ['zh-CN', 'en'] as const) {
      const dir = join(OUT, lang);
      mkdirSync(dir, { recursive: true });
      const rt = new MiniRuntime({ server: w.server.url, sim: w.sim, merchantPublicKey: w.merchant.publicKey, lang });
      const t = miniModule<{ messages(l: string): { tabs: Record<string, string> } }>('i18n/index.ts').messages(lang);
      const shot = async (name: string) => {
        await tab.setContent(frame(rt, t, rt.stack.length > 1 || !TAB_ROUTES[rt.route]), { waitUntil: 'load' });
        count += 1;
        await tab.screenshot({ path: join(dir, `${String(count).padStart(2, '0')}-${name}.png`) });
      };
      const held = async (route: string, query: Record<string, string>, name: string) => {
        rt.hold();
        const opening = rt.open(route, query);
        await new Promise((r) => setTimeout(r, 30));
        await shot(name);
        rt.release();
        await opening;
        await rt.settle();
      };
      const token = async () => (await w.api.login(w.sim, rt.openid)).token;

      await held('pages/launch/index', {}, 'launch-logging-in');
      await held('pages/home/index', {}, 'home-loading');
      const userId = (await MiniUser.findOne({ where: { openid: rt.openid } }))!.id;
      await MiniUser.update({ nickname: lang === 'en' ? 'Alex' : '小海马' }, { where: { id: userId } });
      rt.networkDown = true;
      await rt.open('pages/home/index');
      await shot('home-error');
      rt.networkDown = false;
      for (const [route, name] of [['pages/keys/index', 'keys-empty'], ['pages/orders/index', 'orders-empty'], ['pages/points-records/index', 'points-records-empty']] as const) {
        await rt.open(route);
        await shot(name);
      }

      await rt.open('pages/buy/index');
      await shot('buy');
      await rt.open('pages/order-confirm/index', { packageId: hot.id });
      await shot('order-confirm');

      const paid = (await w.api.call('POST', '/api/orders', { token: await token(), body: { packageId: hot.id } })).body.data;
      await w.api.call('POST', `/api/orders/${paid.id}/pay`, { token: await token() });
      w.sim.pay(paid.orderNo);
      await w.sim.settled();
      await rt.open('pages/pay-success/index', { orderId: paid.id });
      await shot('pay-success');
      await rt.open('pages/pay-fail/index', { packageId: hot.id, reason: 'cancelled' });
      await shot('pay-fail');
      const pending = (await w.api.call('POST', '/api/orders', { token: await token(), body: { packageId: hot.id } })).body.data;
      await w.api.call('POST', `/api/orders/${pending.id}/pay`, { token: await token() });
      await held('pages/pay-pending/index', { orderId: pending.id }, 'pay-pending');
      await until(() => rt.page.data.state === 'later', 'the pending page to give up', 20_000);
      await shot('pay-pending-later');

      await creditLots(userId, 200);
      const keys = [
        await createApiKey({ userId }, { name: lang === 'en' ? 'Production' : '生产环境', validityMonths: 12 }),
        await createApiKey({ userId }, { name: lang === 'en' ? 'Testing' : '测试环境', validityMonths: 3, ipWhitelist: ['10.0.0.0/8'] }),
        await createApiKey({ userId }, { name: lang === 'en' ? 'Old key' : '旧Key', validityMonths: 1 }),
      ];
      for (let i = 0; i < 12; i++) await charge(w.server.url, service, { apiKey: keys[0]!.key, apiName: apis[i % 3]!.name, callerIp: '203.0.113.7', requestId: `${lang}-${i}` });
      await charge(w.server.url, service, { apiKey: keys[1]!.key, apiName: apis[0]!.name, callerIp: '198.51.100.1', requestId: `${lang}-refused` });
      await w.api.call('PATCH', `/api/v1/api-keys/${keys[2]!.id}`, { token: await token(), body: { enabled: false } });
      const { flushApiCallLog } = await import('../../server/services/logs/apiCallLog.js');
      await flushApiCallLog();

      await rt.open('pages/home/index');
      await shot('home');
      await rt.open('pages/orders/index');
      await shot('orders');
      await rt.open('pages/points-records/index');
      await shot('points-records');
      await rt.open('pages/keys/index');
      await shot('keys');
      await rt.tap('.select-toggle');
      rt.all('.key')[1]!.dispatchEvent('tap');
      rt.all('.key')[2]!.dispatchEvent('tap');
      await rt.settle();
      await shot('keys-selecting');
      await rt.tap('.select-toggle');
      await rt.tap('.create');
      await rt.input('.form-name', lang === 'en' ? 'Mobile app' : '移动端');
      await rt.tap('.scope-chosen');
      await rt.tap('.api');
      await rt.input('.form-whitelist', '10.0.0.0/8\n192.168.1.300');
      await rt.tap('.submit');
      await shot('keys-create-dialog');
      await rt.input('.form-whitelist', '10.0.0.0/8');
      await rt.tap('.submit');
      await shot('key-created');
      await rt.tap('.tick');
      await shot('key-created-ticked');
      await rt.open('pages/key-detail/index', { id: keys[0]!.id });
      await shot('key-detail');
      await rt.open('pages/me/index');
      await shot('me');

      const admin = await theSuperAdmin();
      const project = await Project.create({
        name: `积分卡-${randomUUID().slice(0, 6)}`, kind: 'points', status: 'active', pointsPerKey: 500, appKey: randomUUID().replace(/-/g, ''),
        appSecretEnc: 'sealed', signPublicKey: 'pk', signPrivateKeyEnc: 'sealed', maxUnbinds: 3, unbindCooldownMinutes: 60, shareIpThreshold: 5,
      });
      const batch = await CardKeyBatch.create({ projectId: project.id, agentId: admin.id, validityLabel: '永久', durationDays: null, unitPrice: '1.00', count: 1, totalCost: '1.00', status: 'completed', progress: 100 });
      const [code] = generateCodes(1);
      await CardKey.create({ code, batchId: batch.id, projectId: project.id, agentId: admin.id, status: 'unused' });
      await freshRedeemAllowance();
      await rt.open('pages/redeem/index');
      await rt.input('.code', 'ABCD-EFGH-JKLM-NPQR');
      await rt.tap('.submit');
      await shot('redeem-refused');
      await rt.input('.code', code!);
      await rt.tap('.submit');
      await shot('redeem-success');
      await rt.open('pages/docs/index');
      await shot('docs');
      await rt.open('pages/article/index', { slug: 'about' });
      await shot('article-about');
      await rt.open('pages/article/index', { slug: 'agreement' });
      await shot('article-not-published');
      await rt.close();
      count = 0;
    }
    process.stdout.write(`Mini-program preview written to ${OUT}/zh-CN and ${OUT}/en (375×667, 2× pixels).\n${NOTE}\n`);
  } finally {
    await browser.close();
    await w.restore();
    restoreDom();
    await mochaGlobalTeardown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  },
);
