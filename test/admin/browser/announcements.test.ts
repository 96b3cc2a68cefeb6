import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { Notification } from '../../../server/models/index.js';
import { notifyUsers, sendDueAnnouncements } from '../../../server/services/notifications/index.js';
import { makeUser, type TestUser } from '../../support/quota.js';
import { startBrowserWorld, type BrowserWorld } from '../../support/browser.js';
import type { TestServer } from '../../support/http.js';

/**
 * 通知管理 in a real browser (production bundle): the super admin publishes an announcement from the
 * form, choosing its users with the picker; the agent reads it in 我的通知, next to a business
 * notification that links to its record.
 */
describe('announcements in a browser', function () {
  this.timeout(240_000);
  let world: BrowserWorld;
  let server: TestServer;
  let browser: Browser;
  let root: TestUser;
  let agent: TestUser;

  before(async () => {
    root = await makeUser('ab_root', 'super_admin');
    const admin = await makeUser('ab_adm', 'agent_admin');
    agent = await makeUser('ab_agent', 'agent', admin.id);
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });
  after(async () => world?.close());

  async function logIn(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${server.url}/admin/login`);
    await page.fill('input[name="email"]', username);
    await page.fill('input[name="password"]', 'abcd1234');
    await page.click('form button');
    await page.waitForURL(`${server.url}/admin`);
    return page;
  }

  /** Picks `option` in the `index`-th select of the form (react-select), typing `type` first (async pickers search as you type). */
  async function choose(page: Page, index: number, option: string, type?: string): Promise<void> {
    const input = page.locator('form input[role="combobox"]').nth(index);
    await input.click();
    if (type) await input.fill(type);
    await page.locator('[class*="option"]', { hasText: option }).first().click();
  }

  it('the super admin publishes to a chosen user with the picker; the agent reads it in 我的通知', async () => {
    const page = await logIn(root.username);
    await page.goto(`${server.url}/admin/resources/notifications/actions/new`);
    await page.waitForSelector('form');
    await choose(page, 0, '功能更新');
    await page.fill('input[name="title"]', '浏览器发布的公告');
    await page.fill('textarea[name="body"]', '从表单发布，发给指定用户。');
    await choose(page, 1, '指定用户');
    await page.getByRole('button', { name: /添加|Add/ }).first().click();
    await choose(page, 3, agent.username, agent.username);
    await page.screenshot({ path: 'tmp/announcement-form.png', fullPage: true });
    await page.click('button[type="submit"]');
    const row = await (async () => {
      for (let i = 0; i < 200; i++) {
        const found = await Notification.findOne({ where: { title: '浏览器发布的公告' } });
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the announcement was not created');
    })();
    assert.equal(row.announcementType, 'feature');
    assert.deepEqual(row.audienceUserIds, [agent.id]);
    await sendDueAnnouncements({ id: row.id });
    await notifyUsers({ userIds: [agent.id], event: 'test.linked', title: '提现申请已提交', body: '等待审核', link: { resource: 'withdrawals', id: 1 }, sendEmail: false });

    const agentPage = await logIn(agent.username);
    await agentPage.goto(`${server.url}/admin/resources/notification_recipients/actions/inbox`);
    await agentPage.waitForSelector('[data-testid="notification-item"]');
    await agentPage.screenshot({ path: 'tmp/announcement-inbox.png', fullPage: true });
    const text = await agentPage.locator('[data-testid="notification-inbox"]').innerText();
    assert.match(text, /浏览器发布的公告/);
    assert.match(text, /功能更新/);
    assert.equal(await agentPage.locator('[data-testid="notification-link"]').first().getAttribute('href'), '/admin/resources/withdrawals/records/1/show');
  });
});
