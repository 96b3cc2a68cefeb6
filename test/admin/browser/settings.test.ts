import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { db } from '../../../server/db/index.js';
import { SystemConfig } from '../../../server/models/index.js';
import { ensureDefaultSettings, updateSetting } from '../../../server/services/systemConfig/systemConfig.js';
import { createAdminUser } from '../../../server/services/identity/createAdminUser.js';
import { startBrowserWorld, type BrowserWorld } from '../../support/browser.js';
import type { TestServer } from '../../support/http.js';

const PASSWORD = 'Settings-browser-1';

/** The 修改 form of a system setting in a real browser, from the production asset bundle. */
describe('system settings form in a browser (production assets)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let world: BrowserWorld;
  let rootId: number;

  before(async () => {
    db(); // initialises the models in this module graph
    await ensureDefaultSettings();
    rootId = (await createAdminUser({ username: 'cfg_browser_root', password: PASSWORD, role: 'super_admin' })).id;
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });

  after(async () => {
    await world?.close();
    const root = { id: rootId, role: 'super_admin' };
    await updateSetting('security.login_lock_minutes', 15, root);
    await updateSetting('basic.registration_enabled', true, root);
  });

  async function logIn(): Promise<{ page: Page; failures: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    await page.goto(`${server.url}/admin/login`);
    await page.fill('input[name="email"]', 'cfg_browser_root');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${server.url}/admin`);
    return { page, failures };
  }

  const stored = async (key: string) => (await SystemConfig.findByPk(key))!.value;
  const formUrl = (key: string) => `${server.url}/admin/resources/system_configs/records/${key}/updateSetting`;

  it('the list shows every value (switches as 开启/关闭); a number is refused with the message, then saved', async () => {
    const { page, failures } = await logIn();
    await page.goto(`${server.url}/admin/resources/system_configs?perPage=50`);
    assert.equal((await page.textContent('[data-testid="setting-value-basic.registration_enabled"]'))?.trim(), '开启');

    await page.goto(formUrl('security.login_lock_minutes'));
    await page.waitForSelector('[data-testid="setting-form"]');
    const text = (await page.textContent('[data-testid="setting-form"]')) ?? '';
    assert.match(text, /锁定时长（分钟）/);
    assert.match(text, /当前值：15/);
    assert.match(text, /默认值：15/);
    assert.match(text, /整数，1 至 1440/);

    await page.fill('[data-testid="setting-form"] input[name="value"]', '0');
    await page.click('[data-testid="setting-form-submit"]');
    await page.waitForSelector('[data-testid="setting-form-error"]');
    assert.match((await page.textContent('[data-testid="setting-form-error"]')) ?? '', /数值过小/);
    assert.equal(await stored('security.login_lock_minutes'), 15);

    await page.fill('[data-testid="setting-form"] input[name="value"]', '30');
    await page.click('[data-testid="setting-form-submit"]');
    await page.waitForURL(/\/records\/security\.login_lock_minutes\/show$/);
    assert.equal(await stored('security.login_lock_minutes'), 30);
    assert.deepEqual(failures, []);
    await page.close();
  });

  it('a switch is changed with the select', async () => {
    const { page, failures } = await logIn();
    await page.goto(formUrl('basic.registration_enabled'));
    await page.waitForSelector('[data-testid="setting-form"]');
    await page.locator('[data-testid="setting-form"]').getByText('开启', { exact: true }).last().click({ force: true }); // react-select's input sits over its value
    await page.getByText('关闭', { exact: true }).last().click();
    await page.click('[data-testid="setting-form-submit"]');
    await page.waitForURL(/\/records\/basic\.registration_enabled\/show$/);
    assert.equal(await stored('basic.registration_enabled'), false);
    assert.deepEqual(failures, []);
    await page.close();
  });
});
