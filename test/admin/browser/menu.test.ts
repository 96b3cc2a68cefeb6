import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createAdminUser } from '../../../server/services/identity/createAdminUser.js';
import { truncateAll } from '../../support/db.js';
import { startBrowserWorld, type BrowserWorld } from '../../support/browser.js';
import type { TestServer } from '../../support/http.js';

const PASSWORD = 'Seahorse123';

// The README's Roles, written out: what each role finds in the menu.
const AGENT_MENU = [
  'card_key_batches', 'card_key_verifications', 'card_keys', 'daily_activity_stats', 'daily_card_key_stats',
  'daily_quota_stats', 'login_logs', 'notification_recipients', 'notifications', 'operation_logs',
  'project_applications', 'project_authorizations', 'project_prices', 'projects', 'quota_accounts',
  'quota_ledger', 'quota_transfers', 'withdrawals',
];
const AGENT_ADMIN_MENU = [...AGENT_MENU, 'admin_users', 'security_events'].sort();
// Tables only a super admin sees (on top of the agent admin's).
const SUPER_ONLY = [
  'api_call_logs', 'api_catalog', 'api_key_scopes', 'articles', 'backup_restore_requests', 'backups', 'banners',
  'callback_deliveries', 'daily_points_stats', 'email_messages', 'email_tokens', 'log_archives', 'meta_auth_key',
  'meta_order', 'meta_product', 'meta_promotion', 'meta_user', 'metering_services', 'points_lots', 'purchase_record',
  'rel_product_package', 'system_config_changes', 'system_configs', 'system_logs', 'wechat_payments',
];
const SUPER_ADMIN_MENU = [...AGENT_ADMIN_MENU, ...SUPER_ONLY].sort();

/**
 * The admin in a real browser with the production asset bundle (`npm run build:admin` output,
 * AdminJS bundling skipped): our custom components (dashboard, money) must load, and each role
 * sees its own menu.
 */
describe('admin in a browser (production assets)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let world: BrowserWorld;

  before(async () => {
    await truncateAll();
    await createAdminUser({ username: 'superadmin', password: PASSWORD, role: 'super_admin' });
    const agentadmin1 = await createAdminUser({ username: 'agentadmin1', password: PASSWORD, role: 'agent_admin' });
    await createAdminUser({ username: 'agent1a', password: PASSWORD, role: 'agent', parentId: agentadmin1.id });
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });

  after(async () => {
    await world?.close();
  });

  async function logIn(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    await page.goto(`${server.url}/admin/login`);
    await page.fill('input[name="email"]', username);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${server.url}/admin`);
    // The dashboard is our component from the pre-built bundle: it renders only if the bundle loaded.
    await page.waitForSelector('[data-testid="seahorse-dashboard"][data-role]:not([data-role=""])');
    assert.deepEqual(failures, []);
    return page;
  }

  async function menu(page: Page): Promise<string[]> {
    // Navigation groups start collapsed: open each so its links are rendered.
    for (const group of await page.$$('[data-css="sidebar-resources"] li > a:not([href])')) await group.click();
    const hrefs = await page.$$eval('a[href*="/admin/resources/"]', (links) => links.map((a) => a.getAttribute('href') ?? ''));
    return [...new Set(hrefs.map((h) => /\/admin\/resources\/([a-z_]+)/.exec(h)?.[1]).filter((x): x is string => !!x))].sort();
  }

  it('agent1a: own dashboard, agent menu only, money shown as currency', async () => {
    const page = await logIn('agent1a');
    assert.equal(await page.getAttribute('[data-testid="seahorse-dashboard"]', 'data-role'), 'agent');
    assert.match((await page.textContent('[data-testid="figure-balance"]')) ?? '', /¥0\.00/);
    assert.deepEqual(await menu(page), AGENT_MENU);
    assert.match(await page.content(), /额度管理/);

    await page.goto(`${server.url}/admin/resources/quota_accounts`);
    await page.waitForSelector('[data-testid="money"]');
    assert.match((await page.textContent('[data-testid="money"]')) ?? '', /^¥\d/);
    await page.close();
  });

  it('agentadmin1: own dashboard and the agent admin menu', async () => {
    const page = await logIn('agentadmin1');
    assert.equal(await page.getAttribute('[data-testid="seahorse-dashboard"]', 'data-role'), 'agent_admin');
    await page.waitForSelector('[data-testid="figure-myAgents"]');
    assert.deepEqual(await menu(page), AGENT_ADMIN_MENU);

    // Enumerated values read in Chinese: role agent_admin is shown as 代理管理员.
    await page.goto(`${server.url}/admin/resources/admin_users`);
    await page.locator('table').getByText('代理管理员', { exact: true }).first().waitFor();
    assert.equal(await page.locator('table').getByText('Agent Admin').count(), 0);
    await page.close();
  });

  it('superadmin: own dashboard and every table in the menu', async () => {
    const page = await logIn('superadmin');
    assert.equal(await page.getAttribute('[data-testid="seahorse-dashboard"]', 'data-role'), 'super_admin');
    assert.equal(SUPER_ADMIN_MENU.length, 45);
    assert.deepEqual(await menu(page), SUPER_ADMIN_MENU);
    await page.close();
  });
});
