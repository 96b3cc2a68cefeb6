import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { AdminUser } from '../../../server/models/index.js';
import { createAdminUser } from '../../../server/services/identity/createAdminUser.js';
import { startBrowserWorld, type BrowserWorld } from '../../support/browser.js';
import type { TestServer } from '../../support/http.js';
import { linkIn, solveCaptcha, startMailDelivery, uniqueName } from '../../support/identity.js';


/**
 * A newcomer in chromium, on the production admin bundle: register as an agent → verification
 * email (real SMTP) → confirm on the link's page → log in (with the captcha after failures); forgot → reset → log in.
 */
describe('identity in a browser (register, verify, login, forgot, reset)', function () {
  this.timeout(240_000);
  let server: TestServer;
  let browser: Browser;
  let world: BrowserWorld;
  let mail: Awaited<ReturnType<typeof startMailDelivery>>;
  const errors: string[] = [];

  before(async () => {
    mail = await startMailDelivery();
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });

  after(async () => {
    await world?.close();
    await mail?.stop();
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      // Allowed: Google Fonts unreachable offline, AdminJS pages asking for /favicon.ico (no branding
      // favicon set), and the 400 status AdminJS gives a refused login page.
      const where = msg.location().url;
      const expected = /fonts\.(googleapis|gstatic)\.com|\/favicon\.ico$/.test(where) || (/status of 400/.test(msg.text()) && where.endsWith('/admin/login'));
      if (msg.type() === 'error' && !expected) {
        errors.push(`console: ${msg.text()} @ ${msg.location().url}`);
      }
    });
    return page;
  }

  const open = (page: Page, url: URL) => page.goto(`${server.url}${url.pathname}${url.search}`);

  async function login(page: Page, username: string, password: string): Promise<void> {
    await page.fill('input[name="email"]', username);
    await page.fill('input[name="password"]', password);
    if (await page.locator('input[name="captchaAnswer"]').count()) {
      const id = await page.locator('input[name="captchaId"]').inputValue();
      await page.fill('input[name="captchaAnswer"]', await solveCaptcha(id));
    }
    await page.click('form button[type="submit"]');
  }

  /** The captcha field of the login page once it knows whether the next attempt needs one. */
  async function captchaOnPage(page: Page): Promise<'shown' | 'none'> {
    const form = await page.waitForSelector('body:not([data-before-submit]) form[data-captcha="shown"], body:not([data-before-submit]) form[data-captcha="none"]');
    const state = (await form.getAttribute('data-captcha')) as 'shown' | 'none';
    assert.equal(await page.locator('[data-testid="login-captcha"]').count(), state === 'shown' ? 1 : 0, 'the field is there exactly when the form says so');
    return state;
  }

  /** A refused login: what the page that comes back shows (its message, and whether the captcha is offered). */
  async function refusedLogin(page: Page, username: string, password: string, captcha: 'solve' | 'empty' | 'wrong'): Promise<[string, 'shown' | 'none']> {
    await page.fill('input[name="email"]', username);
    await page.fill('input[name="password"]', password);
    if (await page.locator('input[name="captchaAnswer"]').count()) {
      const id = await page.locator('input[name="captchaId"]').inputValue();
      await page.fill('input[name="captchaAnswer"]', captcha === 'solve' ? await solveCaptcha(id) : captcha === 'wrong' ? 'zzzz' : '');
    }
    // Marks the page being left, so what follows reads the refused page, not this one.
    await page.evaluate(() => document.body.setAttribute('data-before-submit', ''));
    await page.click('form button[type="submit"]');
    const state = await captchaOnPage(page);
    assert.equal(await page.locator('input[name="email"]').inputValue(), username, 'the refused page keeps the username');
    return [(await page.locator('[data-testid="login-message"]').innerText()).trim(), state];
  }

  /** The same five refused attempts, for a real or an unknown username. */
  async function refusals(page: Page, username: string): Promise<Array<[string, 'shown' | 'none']>> {
    await page.goto(`${server.url}/admin/login`);
    assert.equal(await captchaOnPage(page), 'none');
    const seen: Array<[string, 'shown' | 'none']> = [];
    for (let i = 0; i < 3; i++) seen.push(await refusedLogin(page, username, 'not-my-password1', 'solve'));
    seen.push(await refusedLogin(page, username, 'not-my-password1', 'empty'));
    seen.push(await refusedLogin(page, username, 'not-my-password1', 'wrong'));
    return seen;
  }

  const REFUSALS: Array<[string, 'shown' | 'none']> = [
    ['用户名或密码错误', 'none'],
    ['用户名或密码错误', 'none'],
    ['用户名或密码错误', 'shown'],
    ['请输入验证码', 'shown'],
    ['验证码错误，请重新输入', 'shown'],
  ];

  it('register → verify → login, with the captcha demanded after failed attempts', async () => {
    const { username, email } = uniqueName('web');
    const page = await newPage();
    await page.goto(`${server.url}/admin/login`);
    await page.click('a[href="/auth/register"]');
    await page.waitForURL(`${server.url}/auth/register`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await page.fill('#username', username);
    await page.fill('#email', email);
    await page.fill('#password', 'Br0wserPass');
    await page.fill('#passwordConfirm', 'Br0wserPass');
    assert.equal(await page.locator('.captcha svg').count(), 1, 'the captcha image is shown');
    await page.fill('#captchaAnswer', await solveCaptcha(await page.locator('input[name="captchaId"]').inputValue()));
    await page.click('button[type="submit"]');
    await page.waitForSelector('text=请查收验证邮件');

    const verifyLink = linkIn(await mail.mailbox.next(email), '/auth/verify');
    await open(page, verifyLink);
    await page.waitForSelector('text=确认邮箱');
    assert.equal((await AdminUser.findOne({ where: { username } }))!.status, 'pending', 'opening the link alone activates nothing');
    await page.click('button[type="submit"]');
    await page.waitForSelector('text=邮箱验证成功');
    await page.click('a[href="/admin/login"]');
    await page.waitForURL(`${server.url}/admin/login`);

    // No captcha after a 1st or 2nd wrong password; after the 3rd the next attempt needs it, and a
    // submit without it is refused with the captcha still offered.
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await refusedLogin(page, username, 'not-my-password1', 'solve'));
    seen.push(await refusedLogin(page, username, 'Br0wserPass', 'empty'));
    assert.deepEqual(seen, REFUSALS.slice(0, 4));
    await login(page, username, 'Br0wserPass');
    await page.waitForURL(`${server.url}/admin`);
    await page.waitForSelector('[data-testid="seahorse-dashboard"]');
    assert.equal((await AdminUser.findOne({ where: { username } }))!.status, 'active');
    await page.close();
  });

  it('an unknown username gets the very same pages; the field asks again when the username changes', async () => {
    const page = await newPage();
    const ghost = uniqueName('ghost').username;
    assert.deepEqual(await refusals(page, ghost), REFUSALS);

    await page.goto(`${server.url}/admin/login`);
    assert.equal(await captchaOnPage(page), 'none', 'a fresh visit starts without');
    await page.fill('input[name="email"]', ghost);
    await page.focus('input[name="password"]');
    assert.equal(await captchaOnPage(page), 'shown', 'a username whose next attempt needs it');
    await page.fill('input[name="email"]', uniqueName('other').username);
    await page.focus('input[name="password"]');
    await page.waitForSelector('form[data-captcha="none"]');
    assert.equal(await captchaOnPage(page), 'none', 'another username without failures');
    await page.close();
  });

  it('forgot → reset → login with the new password; English on request', async () => {
    const { username, email } = uniqueName('fgt');
    await createAdminUser({ username, email, password: 'Original1pass', role: 'agent', emailVerified: true });

    const page = await newPage();
    await page.goto(`${server.url}/admin/login`);
    await page.click('a[href="/auth/forgot"]');
    await page.waitForURL(`${server.url}/auth/forgot`);
    await page.click('a[hreflang="en"]');
    await page.waitForSelector('text=Enter the email address of your account');
    await page.fill('#email', email);
    await page.click('button[type="submit"]');
    await page.waitForSelector('text=If this address is registered');

    const resetMail = await mail.mailbox.next(email);
    assert.match(resetMail.subject, /reset your password/);
    await open(page, linkIn(resetMail, '/auth/reset'));
    await page.fill('#password', 'Renewed1pass');
    await page.fill('#passwordConfirm', 'Renewed1pass');
    await page.click('button[type="submit"]');
    await page.waitForSelector('text=Password updated');
    await page.click('a[href="/admin/login"]');
    await page.waitForURL(`${server.url}/admin/login`);
    await login(page, username, 'Renewed1pass');
    await page.waitForURL(`${server.url}/admin`);
    await page.waitForSelector('[data-testid="seahorse-dashboard"]');
    await page.close();
  });

  it('logged no JavaScript errors', () => {
    assert.deepEqual(errors, []);
  });
});
