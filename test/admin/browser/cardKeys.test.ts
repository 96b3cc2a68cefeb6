import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { db } from '../../../server/db/index.js';
import { CardKey, CardKeyBatch } from '../../../server/models/index.js';
import { verifyCardKey } from '../../../server/services/cardKeys/verifyCardKey.js';
import { projectById } from '../../../server/services/projects/projectCredentials.js';
import { startWorker, type RunningWorker } from '../../../worker/index.js';
import { startBrowserWorld, type BrowserWorld } from '../../support/browser.js';
import type { TestServer } from '../../support/http.js';
import { balanceOf, makeWorld, recharge, withConfig, type World } from '../../support/cardKeys.js';

/**
 * The card-key "done when" path in a real browser with the production bundle: an agent generates
 * keys with the form, exports them (worker job, download behind the session), unbinds one; the
 * super admin creates a project and sees its secret once.
 */
describe('card keys in the admin (browser, production assets)', function () {
  this.timeout(240_000);
  const exportDir = path.join(os.tmpdir(), `seahorse-ck-admin-${process.pid}`);
  let server: TestServer;
  let browser: Browser;
  let world: BrowserWorld;
  let worker: RunningWorker;
  let w: World;

  before(async () => {
    db(); // models are initialised lazily; this file's first query does not go through db()
    w = await makeWorld('ckweb');
    await recharge(w.agent.id, '100.00');
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });

  after(async () => {
    await world?.close();
    await rm(exportDir, { recursive: true, force: true });
  });

  async function logIn(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    await page.goto(`${server.url}/admin/login`);
    await page.fill('input[name="email"]', username);
    await page.fill('input[name="password"]', 'abcd1234');
    await page.click('form button');
    await page.waitForURL(`${server.url}/admin`);
    return page;
  }

  it('an agent generates keys with the form, exports and downloads them, and unbinds one', async () => {
    await withConfig({ EXPORT_DIR: exportDir }, async () => {
      worker = await startWorker({ only: ['exports'] });
      try {
        const page = await logIn('ckweb_agent');
        await page.goto(`${server.url}/admin/resources/card_keys/actions/generate`);
        await page.waitForSelector('[data-testid="command-form-generate"]');
        await page.waitForFunction(() => document.querySelector('[data-testid="command-form-generate"]')?.textContent?.includes('ckweb project'));
        await page.fill('input[name="count"]', '6');
        await page.click('[data-testid="command-form-submit"]');
        await page.waitForURL(/\/admin\/resources\/card_key_batches\/records\/\d+\/show/);
        const batch = await CardKeyBatch.findOne({ where: { agentId: w.agent.id } });
        assert.equal(batch!.count, 6);
        assert.equal(await CardKey.count({ where: { batchId: batch!.id } }), 6);
        assert.equal(await balanceOf(w.agent.id), '94.00'); // 6 × 1.00 (the first validity, 1天)

        await page.goto(`${server.url}/admin/resources/card_keys/actions/export`);
        await page.waitForSelector('[data-testid="command-form-export"]');
        await page.click('[data-testid="command-form-submit"]');
        await page.waitForSelector('[data-testid="command-form-export-download"]', { timeout: 60_000 });
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="command-form-export-download"]')]);
        const file = path.join(exportDir, 'downloaded.xlsx');
        await download.saveAs(file);
        const book = new ExcelJS.Workbook();
        await book.xlsx.readFile(file);
        const codes: string[] = [];
        book.worksheets[0]!.eachRow((row, n) => n > 1 && codes.push(String(row.getCell(1).value)));
        const expected = (await CardKey.findAll({ where: { agentId: w.agent.id }, order: [['id', 'ASC']] })).map((k) => k.code);
        assert.deepEqual(codes, expected);

        const key = (await CardKey.findOne({ where: { batchId: batch!.id }, order: [['id', 'ASC']] }))!;
        assert.equal((await verifyCardKey((await projectById(w.project.id))!, { code: key.code, deviceId: 'pc-1', ip: null })).reason, 'OK');
        await page.goto(`${server.url}/admin/resources/card_keys/records/${key.id}/unbind`);
        await page.waitForSelector('[data-testid="command-form-unbind"]');
        await page.click('[data-testid="command-form-submit"]');
        await page.waitForURL(/\/admin\/resources\/card_keys(\?|$)/);
        const unbound = (await CardKey.findByPk(key.id))!;
        assert.deepEqual([unbound.status, unbound.deviceId, unbound.unbindCount], ['unused', null, 1]);
        await page.close();
      } finally {
        await worker.close();
      }
    });
  });

  it('the super admin creates a project and sees its secret once', async () => {
    const page = await logIn('ckweb_root');
    await page.goto(`${server.url}/admin/resources/projects/actions/createProject`);
    await page.waitForSelector('[data-testid="command-form-createProject"]');
    await page.fill('input[name="name"]', 'ckweb browser project');
    await page.fill('textarea[name="prices"]', '30天, 30, 2.50\n永久, 永久, 20');
    await page.click('[data-testid="command-form-submit"]');
    await page.waitForSelector('[data-testid="command-form-reveal"]');
    const text = (await page.textContent('[data-testid="command-form-reveal"]')) ?? '';
    assert.match(text, /app_secret: \S{40,}/);
    assert.match(text, /BEGIN PUBLIC KEY/);
    await page.close();
  });
});
