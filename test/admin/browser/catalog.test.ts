import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { db } from '../../../server/db/index.js';
import { projectRoot } from '../../../server/lib/paths.js';
import { Banner, Package, Product } from '../../../server/models/index.js';
import { createAdminUser } from '../../../server/services/identity/createAdminUser.js';
import { startBrowserWorld, type BrowserWorld } from '../../support/browser.js';
import type { TestServer } from '../../support/http.js';

const PASSWORD = 'Catalog-browser-1';
const SHOTS = path.join(projectRoot(), 'tmp', 'screenshots');

/** The super admin runs the catalog and the banners from the forms, in a real browser (production assets). */
describe('catalog and banner forms in a browser (production assets)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let world: BrowserWorld;

  before(async () => {
    db();
    await createAdminUser({ username: 'catalog_browser_root', password: PASSWORD, role: 'super_admin' });
    await Product.create({ name: '浏览器测试积分', productType: 1, pointAmount: 100, originalPrice: '10.00', salePrice: '10.00', expireTime: new Date('2099-12-31T00:00:00Z') });
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });

  after(async () => {
    await world?.close();
  });

  async function logIn(): Promise<{ page: Page; failures: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    await page.goto(`${server.url}/admin/login`);
    await page.fill('input[name="email"]', 'catalog_browser_root');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${server.url}/admin`);
    return { page, failures };
  }

  /** Saves the form and waits for the list; on failure the page (notice included) is in the error and a screenshot. */
  async function save(page: Page, list: RegExp, shot: string): Promise<void> {
    await page.click('[data-testid="button-save"]');
    try {
      await page.waitForURL(list, { timeout: 20_000 });
    } catch (err) {
      await page.screenshot({ path: path.join(SHOTS, shot), fullPage: true });
      const notice = await page.locator('[data-testid="notice-wrapper"], [data-css="notice-wrapper"]').allTextContents().catch(() => []);
      throw new Error(`not saved: ${notice.join(' | ')} (${String(err).slice(0, 100)})`);
    }
  }

  it('creates a package from the form and sees it on /api/packages', async () => {
    const { page, failures } = await logIn();
    await page.goto(`${server.url}/admin/resources/rel_product_package/actions/new`);
    await page.fill('[data-testid="property-edit-name"] input', '浏览器套餐');
    // The product picker: type part of the name, pick the suggestion.
    await page.click('[data-testid="property-edit-productId"] .adminjs_Select, [data-testid="property-edit-productId"] input');
    await page.keyboard.type('浏览器');
    await page.waitForSelector('[data-testid="property-edit-productId"] [class*="option"]');
    await page.keyboard.press('Enter');
    await page.fill('[data-testid="property-edit-packagePrice"] input', '12.80');
    await page.fill('[data-testid="property-edit-totalPoints"] input', '130');
    await page.screenshot({ path: path.join(SHOTS, 'package-new.png'), fullPage: true });
    await save(page, /\/admin\/resources\/rel_product_package(\?.*)?$/, 'package-save-failed.png');
    const pkg = await Package.findOne({ where: { name: '浏览器套餐' } });
    assert.ok(pkg, 'the package was created');
    const body = (await (await fetch(`${server.url}/api/packages`)).json()) as { data: Array<{ name: string; price: string; totalPoints: number; product: { name: string } }> };
    const listed = body.data.find((p) => p.name === '浏览器套餐');
    assert.ok(listed, JSON.stringify(body).slice(0, 300));
    assert.equal(listed.price, '12.80');
    assert.equal(listed.totalPoints, 130);
    assert.equal(listed.product.name, '浏览器测试积分');
    assert.deepEqual(failures, []);
    await page.close();
  });

  it('uploads a banner image, sees its preview in the form and in the list', async () => {
    const { page, failures } = await logIn();
    await page.goto(`${server.url}/admin/resources/banners/actions/new`);
    await page.fill('[data-testid="property-edit-title"] input', '浏览器横幅');
    await page.fill('[data-testid="property-edit-linkUrl"] input', '/pages/buy/index');
    await page.setInputFiles('[data-testid="banner-image-input"]', path.join(projectRoot(), 'seeders', 'assets', 'banner-bonus.png'));
    const preview = await page.waitForSelector('[data-testid="banner-image-preview"]');
    await page.waitForFunction(() => (document.querySelector('[data-testid="banner-image-preview"]') as HTMLImageElement | null)?.naturalWidth === 750);
    assert.ok(await preview.isVisible());
    await page.screenshot({ path: path.join(SHOTS, 'banner-new-preview.png'), fullPage: true });
    await save(page, /\/admin\/resources\/banners(\?.*)?$/, 'banner-save-failed.png');
    const banner = await Banner.findOne({ where: { title: '浏览器横幅' } });
    assert.ok(banner, 'the banner was created');
    assert.equal(banner.imageMime, 'image/png');
    // The list shows the stored image, loaded from /uploads/.
    await page.waitForFunction(
      (url) => Array.from(document.querySelectorAll('[data-testid="banner-image"]')).some((img) => (img as HTMLImageElement).src.endsWith(url) && (img as HTMLImageElement).naturalWidth === 750),
      banner.imageUrl,
    );
    await page.screenshot({ path: path.join(SHOTS, 'banner-list.png'), fullPage: true });
    assert.deepEqual(failures, []);
    await page.close();
  });

  it('zh-CN: no English-only button, title or placeholder on the catalog, banner and card-key pages', async () => {
    const { page, failures } = await logIn();
    const pages = [
      '/admin/resources/rel_product_package/actions/new',
      '/admin/resources/rel_product_package',
      '/admin/resources/banners',
      '/admin/resources/card_keys',
      '/admin/resources/card_keys/actions/generate',
      '/admin/resources/api_catalog/actions/new',
    ];
    const allowed = /^(ID|API|Key|URL|IP|CSV|XLSX|Excel|OpenID|App|SHA|CNY|USD)$/i;
    for (const p of pages) {
      await page.goto(server.url + p);
      await page.waitForSelector('h1, h2, h3, h4, [data-testid="action-content"], section');
      await page.waitForTimeout(500);
      // The screen's own words, not the data in the table (names other tests gave their projects and users).
      const texts = await page.$$eval('button, a, h1, h2, h3, h4, label, [class*="placeholder"], th', (els) =>
        els.filter((e) => !e.closest('tbody')).map((e) => (e.textContent ?? '').trim()).filter(Boolean),
      );
      const english = texts.filter((t) => !/[\u3400-\u9fff]/.test(t) && (t.match(/[A-Za-z]{3,}/g) ?? []).some((w) => !allowed.test(w)));
      await page.screenshot({ path: path.join(SHOTS, `zh-${p.replace(/\W+/g, '_')}.png`), fullPage: true });
      assert.deepEqual(english.filter((t) => t !== 'catalog_browser_root'), [], `${p}: English on a zh-CN screen`);
    }
    assert.deepEqual(failures, []);
    await page.close();
  });
});
