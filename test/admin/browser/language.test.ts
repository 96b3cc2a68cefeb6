import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { db } from '../../../server/db/index.js';
import { projectRoot } from '../../../server/lib/paths.js';
import { createProject } from '../../../server/services/projects/createProject.js';
import { ensureDefaultSettings } from '../../../server/services/systemConfig/systemConfig.js';
import { startBrowserWorld, type BrowserWorld } from '../../support/browser.js';
import type { TestServer } from '../../support/http.js';
import { fund, makeUser, type TestUser } from '../../support/quota.js';

const PASSWORD = 'abcd1234';
const SHOTS = path.join(projectRoot(), 'tmp', 'screenshots');
const CJK = /[\u3400-\u9fff]/;
/** Product names and acronyms a zh-CN screen may show in Latin letters. */
const ALLOWED_LATIN = /^(ID|API|Key|URL|IP|CSV|XLSX|Excel|OpenID|App|SHA|CNY|USD|PNG|JPG|MB|app_key|app_secret|Secret|Client|Seahorse|WeChat)$/i;

type Lang = 'zh-CN' | 'en';

/**
 * One language on screen, in a real browser on the production bundle: the command form (every
 * domain command's form), the settings list and form, the banner upload and the pages around them
 * show every button, title, label, placeholder and notice in the admin's language — no English on
 * the zh-CN screen, no Chinese on the English one. Screenshots of each page land in tmp/screenshots.
 */
describe('one language on screen: command forms, settings and uploads in zh-CN and English (production assets)', function () {
  this.timeout(300_000);
  let server: TestServer;
  let browser: Browser;
  let world: BrowserWorld;
  let root: TestUser;
  let agent: TestUser;
  const names: string[] = [];

  before(async () => {
    db(); // initialises the models in this module graph
    await ensureDefaultSettings();
    root = await makeUser('lb_root', 'super_admin');
    const parent = await makeUser('lb_adm', 'agent_admin');
    agent = await makeUser('lb_agent', 'agent', parent.id);
    await fund(root, agent, '500.00');
    await createProject({ name: 'lang demo', prices: [{ label: '30d', durationDays: 30, unitPrice: '1.50' }] }, { id: root.id, role: 'super_admin', parentId: null });
    names.push(root.username, parent.username, agent.username);
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });

  after(async () => {
    await world?.close();
  });

  /** Logs in from a browser whose screen language is `lang` (the switcher's cookie). */
  async function logIn(user: TestUser, lang: Lang): Promise<{ page: Page; failures: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.addCookies([{ name: 'seahorse_lang', value: lang, url: server.url }]);
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    await page.goto(`${server.url}/admin/login`);
    await page.fill('input[name="email"]', user.username);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${server.url}/admin`);
    return { page, failures };
  }

  /** Every word on screen outside the tables' rows (top bar, menu, titles, buttons, forms, selects, notices) and the placeholders. */
  const screenWords = (page: Page) =>
    page.evaluate(() => {
      const out: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        // Text marked as written in its own language (the login page's link to the other language) is meant to be.
        if (!el || el.closest('tbody, script, style, [data-own-language]') || !el.getClientRects().length) continue;
        const text = (n.textContent ?? '').trim();
        if (text) out.push(text);
      }
      for (const el of Array.from(document.querySelectorAll('input[placeholder], textarea[placeholder]'))) out.push((el as HTMLInputElement).placeholder);
      return out;
    });

  function wrongLanguage(lang: Lang, texts: string[]): string[] {
    // The data (user names and addresses, project names, price labels) is taken out; the words around it stay.
    const own = texts
      .map((t) => data.reduce((rest, d) => rest.split(d).join(' '), t).trim())
      .filter((t) => t && !names.some((n) => t.includes(n)) && !t.includes('lang demo'));
    if (lang === 'en') return own.filter((t) => CJK.test(t));
    return own.filter((t) => !CJK.test(t) && !/^https?:\/\//.test(t) && (t.replace(/\{\{\w+\}\}/g, '').match(/[A-Za-z]{3,}/g) ?? []).some((w) => !ALLOWED_LATIN.test(w)));
  }

  async function visit(page: Page, lang: Lang, url: string, ready: string): Promise<string[]> {
    await page.goto(server.url + url);
    await page.waitForSelector(ready);
    await page.waitForTimeout(600); // options and account loaded by the form's GET
    await page.screenshot({ path: path.join(SHOTS, `lang-${lang}-${url.replace(/\W+/g, '_')}.png`), fullPage: true });
    await loadData();
    return wrongLanguage(lang, await screenWords(page));
  }

  /**
   * What people typed, in whatever language they typed it: every user name and address, project
   * name and price label in the database (other suites' rows too: a select shows the first ones).
   */
  const data: string[] = [];
  async function loadData(): Promise<void> {
    const [rows] = await db().query(
      `SELECT username AS t FROM admin_users UNION SELECT email FROM admin_users WHERE email IS NOT NULL
       UNION SELECT name FROM projects UNION SELECT label FROM project_prices`,
    );
    data.splice(0, data.length, ...(rows as Array<{ t: string }>).map((r) => r.t).filter((t) => t && t.length >= 3).sort((a, b) => b.length - a.length));
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`${lang}: the login page and its refusal`, async () => {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      await context.addCookies([{ name: 'seahorse_lang', value: lang, url: server.url }]);
      const page = await context.newPage();
      const problems = await visit(page, lang, '/admin/login', 'input[name="email"]');
      await page.fill('input[name="email"]', root.username);
      await page.fill('input[name="password"]', 'not-the-password');
      await page.click('form button');
      await page.waitForSelector('[data-testid="login-message"]');
      assert.equal((await page.textContent('[data-testid="login-message"]'))?.trim(), lang === 'en' ? 'Wrong username or password' : '用户名或密码错误');
      problems.push(...wrongLanguage(lang, await screenWords(page)));
      await page.screenshot({ path: path.join(SHOTS, `lang-${lang}-login-refused.png`), fullPage: true });
      assert.deepEqual(problems, [], `${lang}: words in the other language on the login page`);
      // Before login, the other language is one click away, and stays chosen for the login itself.
      const other = lang === 'en' ? 'zh-CN' : 'en';
      await Promise.all([page.waitForEvent('load'), page.click('[data-testid="login-language"]')]);
      await page.waitForSelector('input[name="email"]');
      assert.equal(await page.getAttribute('html', 'lang'), other);
      await page.fill('input[name="email"]', `nobody_${lang}`); // not the root again: its failures would bring the captcha
      await page.fill('input[name="password"]', 'not-the-password');
      await page.click('form button');
      await page.waitForSelector('[data-testid="login-message"]');
      assert.equal((await page.textContent('[data-testid="login-message"]'))?.trim(), other === 'en' ? 'Wrong username or password' : '用户名或密码错误');
      await context.close();
    });

    it(`${lang}: the super admin's command forms, settings and banner upload`, async () => {
      const { page, failures } = await logIn(root, lang);
      assert.equal(await page.getAttribute('html', 'lang'), lang, 'the page opens in the chosen language');
      const pages: Array<[string, string]> = [
        ['/admin/resources/card_keys/actions/generate', '[data-testid="command-form-generate"]'],
        ['/admin/resources/card_keys/actions/export', '[data-testid="command-form-export"]'],
        ['/admin/resources/projects/actions/createProject', '[data-testid="command-form-createProject"]'],
        ['/admin/resources/system_configs?perPage=50', '[data-testid="setting-value-basic.registration_enabled"]'],
        ['/admin/resources/system_configs/records/security.login_lock_minutes/updateSetting', '[data-testid="setting-form"]'],
        ['/admin/resources/system_configs/records/basic.registration_enabled/updateSetting', '[data-testid="setting-form"]'],
        ['/admin/resources/banners/actions/new', '[data-testid="banner-image-choose"]'],
        ['/admin/resources/notification_recipients/actions/inbox', '[data-testid="notification-inbox"]'],
      ];
      const problems: string[] = [];
      for (const [url, ready] of pages) for (const t of await visit(page, lang, url, ready)) problems.push(`${url}: "${t}"`);
      assert.deepEqual(problems, [], `${lang}: words in the other language`);

      // The settings form: its description and the switch's words in the screen's language.
      await page.goto(`${server.url}/admin/resources/system_configs/records/security.login_lock_minutes/updateSetting`);
      const form = (await page.textContent('[data-testid="setting-form"]')) ?? '';
      assert.match(form, lang === 'en' ? /Lock duration \(minutes\).*a whole number from 1 to 1440/s : /锁定时长（分钟）.*整数，1 至 1440/s);
      // A refusal of the command form, shown in the screen's language.
      await page.goto(`${server.url}/admin/resources/card_keys/actions/generate`);
      await page.waitForSelector('[data-testid="command-form-generate"]');
      await page.fill('[data-testid="command-form-generate"] input[name="count"]', '0');
      await page.click('[data-testid="command-form-submit"]');
      const refusal = await page.locator('[data-testid="command-form-error"]').innerText();
      assert.equal(CJK.test(refusal), lang === 'zh-CN', `refusal in ${lang}: ${refusal}`);
      await page.screenshot({ path: path.join(SHOTS, `lang-${lang}-generate-refused.png`), fullPage: true });
      assert.deepEqual(failures, []);
      await page.context().close();
    });

    it(`${lang}: the agent's quota forms and a refused transfer`, async () => {
      const { page, failures } = await logIn(agent, lang);
      const problems: string[] = [];
      for (const [url, ready] of [
        ['/admin/resources/quota_transfers/actions/transfer', '[data-testid="command-form-account"]'],
        ['/admin/resources/withdrawals/actions/requestWithdrawal', '[data-testid="command-form-account"]'],
      ] as const) {
        for (const t of await visit(page, lang, url, ready)) problems.push(`${url}: "${t}"`);
      }
      assert.deepEqual(problems, [], `${lang}: words in the other language`);
      await page.goto(`${server.url}/admin/resources/quota_transfers/actions/transfer`);
      await page.waitForSelector('[data-testid="command-form-transfer"]');
      await page.fill('[data-testid="command-form-transfer"] [name="recipientUsername"]', agent.username);
      await page.fill('[data-testid="command-form-transfer"] [name="amount"]', '5');
      await page.click('[data-testid="command-form-submit"]');
      const refusal = await page.locator('[data-testid="command-form-error"]').innerText();
      assert.equal(refusal, lang === 'en' ? 'You cannot transfer to yourself' : '不能给自己转账');
      await page.screenshot({ path: path.join(SHOTS, `lang-${lang}-transfer-refused.png`), fullPage: true });
      assert.deepEqual(failures, []);
      await page.context().close();
    });
  }
});
