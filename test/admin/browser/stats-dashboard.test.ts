import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../../server/lib/paths.js';
import { addDays, chinaDay } from '../../../server/services/stats/days.js';
import { rollupRange } from '../../../server/services/stats/rollup.js';
import { startBrowserWorld, type BrowserWorld } from '../../support/browser.js';
import { truncateAll } from '../../support/db.js';
import type { TestServer } from '../../support/http.js';
import { makeStatsWorld, type StatsWorld } from '../../support/statsWorld.js';
import ExcelJS from 'exceljs';
import { QueryTypes } from 'sequelize';
import { db } from '../../../server/db/index.js';
import { startWorker, type RunningWorker } from '../../../worker/index.js';

const SHOTS = path.join(projectRoot(), 'tmp', 'screenshots');

/**
 * Each role's dashboard in a real browser with the production admin bundle: its ECharts charts are
 * drawn (SVG with marks in them), the role's own charts only, and the range switch redraws them.
 */
describe('stats dashboards in a browser (production assets)', function () {
  this.timeout(240_000);
  let server: TestServer;
  let browser: Browser;
  let world: BrowserWorld;
  let w: StatsWorld;
  let worker: RunningWorker;
  let firstDay: string;

  before(async () => {
    await truncateAll();
    const today = chinaDay();
    const days = [6, 5, 4, 3, 2, 1, 0].map((n) => addDays(today, -n));
    w = await makeStatsWorld('bdash', 7, days);
    firstDay = days[0]!;
    await rollupRange({ from: days[0], to: today });
    worker = await startWorker({ only: ['exports'] });
    mkdirSync(SHOTS, { recursive: true });
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });

  after(async () => {
    await worker?.close();
    await world?.close();
  });

  async function logIn(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1500, height: 2400 } });
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    await page.goto(`${server.url}/admin/login`);
    await page.fill('input[name="email"]', username);
    await page.fill('input[name="password"]', 'abcd1234');
    await page.click('form button');
    await page.waitForURL(`${server.url}/admin`);
    await page.waitForSelector('[data-testid="seahorse-dashboard"][data-role]:not([data-role=""])');
    assert.deepEqual(failures, []);
    return page;
  }

  /**
   * The charts on the page, each with the number of data marks ECharts drew in its SVG: filled
   * shapes bigger than a legend icon (bars, pie sectors, heatmap cells, areas) and lines of three
   * or more segments (series lines; axis and grid lines are single segments).
   */
  async function charts(page: Page): Promise<Record<string, number>> {
    await page.waitForSelector('[data-testid^="chart-"] svg path', { state: 'attached' });
    await page.waitForTimeout(1500); // ECharts' entry animation
    return page.$$eval('[data-testid^="chart-"]', (els) =>
      Object.fromEntries(
        els.map((el) => {
          const marks = Array.from(el.querySelectorAll('svg path')).filter((p) => {
            const fill = p.getAttribute('fill');
            const box = (p as SVGGraphicsElement).getBBox();
            if (fill && fill !== 'none' && fill !== 'transparent') return box.width * box.height > 400;
            return ((p.getAttribute('d') ?? '').match(/[LC]/g) ?? []).length >= 3;
          });
          return [el.getAttribute('data-testid')!.slice(6), marks.length];
        }),
      ),
    );
  }

  it('agent: keys trend, by project, by status, quota by type and balance; no ranking, heatmap or points', async () => {
    const page = await logIn(`bdash_a1`);
    const drawn = await charts(page);
    assert.deepEqual(Object.keys(drawn).sort(), ['balance', 'keysByProject', 'keysByStatus', 'keysTrend', 'quotaByType']);
    for (const [id, marks] of Object.entries(drawn)) assert.ok(marks >= 3, `${id} has marks (${marks})`);
    assert.match((await page.textContent('[data-testid="chart-keysTrend"]')) ?? '', /卡密生成与激活/);
    await page.locator('[data-testid="seahorse-dashboard"]').screenshot({ path: path.join(SHOTS, 'dashboard-agent.png') });

    await page.click('[data-testid="range-month"]');
    await page.waitForSelector('[data-testid="seahorse-dashboard"][data-range="month"]');
    assert.ok((await charts(page)).keysTrend! >= 3);
    await page.close();
  });

  it('agent admin: the same over the tree, plus the agent ranking and the activity heatmap', async () => {
    const page = await logIn('bdash_aa');
    const drawn = await charts(page);
    assert.deepEqual(Object.keys(drawn).sort(), ['balance', 'heatmap', 'keysByProject', 'keysByStatus', 'keysTrend', 'quotaByType', 'ranking']);
    for (const [id, marks] of Object.entries(drawn)) assert.ok(marks >= 3, `${id} has marks (${marks})`);
    const ranking = (await page.textContent('[data-testid="chart-ranking"]')) ?? '';
    assert.match(ranking, /bdash_a1/);
    assert.doesNotMatch(ranking, /bdash_b1|bdash_b2/, "never the other tree's agents");
    await page.locator('[data-testid="seahorse-dashboard"]').screenshot({ path: path.join(SHOTS, 'dashboard-agent-admin.png') });
    await page.close();
  });

  it('super admin: everything, plus orders and revenue, points sold vs consumed and active mini-program users', async () => {
    const page = await logIn('bdash_root');
    const drawn = await charts(page);
    for (const id of ['keysTrend', 'keysByProject', 'keysByStatus', 'quotaByType', 'balance', 'ranking', 'heatmap', 'orders', 'points', 'activeUsers']) {
      assert.ok((drawn[id] ?? 0) >= 3, `${id} drawn (${drawn[id]})`);
    }
    assert.ok(w.orders.length > 0);
    await page.locator('[data-testid="seahorse-dashboard"]').screenshot({ path: path.join(SHOTS, 'dashboard-super-admin.png') });
    await page.close();
  });

  it('统计分析: the card-key view of an agent admin shows the tree only, totals equal the raw rows, and exports XLSX through the worker', async () => {
    const page = await logIn('bdash_aa');
    await page.goto(`${server.url}/admin/pages/stats`);
    await page.waitForSelector('[data-testid="stats-page"][data-view="card-keys"] [data-testid="stats-totals"]');
    const [raw] = await db().query<{ n: string }>(
      `SELECT count(*) AS n FROM card_keys WHERE agent_id IN (:ids) AND created_at >= :from`,
      { replacements: { ids: [...w.visible(w.adminA)], from: new Date(`${firstDay}T00:00:00+08:00`) }, type: QueryTypes.SELECT },
    );
    const totals = await page.$$eval('[data-testid="stats-totals"] td', (tds) => tds.map((td) => td.textContent ?? ''));
    assert.equal(totals[0], '合计');
    assert.equal(Number(totals[3]), Number(raw!.n), 'generated total = raw card keys of the tree');
    const table = (await page.textContent('[data-testid="stats-table"]')) ?? '';
    assert.match(table, /bdash_a1/);
    assert.doesNotMatch(table, /bdash_b1|bdash_b2/);
    await page.locator('[data-testid="stats-page"]').screenshot({ path: path.join(SHOTS, 'stats-card-keys.png') });

    await page.click('[data-testid="export-xlsx"]');
    await page.waitForSelector('[data-testid="export-status"][data-status="done"]', { timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-download"]')]);
    const file = path.join(SHOTS, 'stats-card-keys.xlsx');
    await download.saveAs(file);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const last = book.worksheets[0]!.getRow(book.worksheets[0]!.rowCount);
    assert.equal(last.getCell(1).value, '合计');
    assert.equal(last.getCell(4).value, Number(raw!.n));

    for (const view of ['quota', 'activity']) {
      await page.click(`[data-testid="view-${view}"]`);
      await page.waitForSelector(`[data-testid="stats-page"][data-view="${view}"] [data-testid="stats-totals"]`);
      assert.doesNotMatch((await page.textContent('[data-testid="stats-table"]')) ?? '', /bdash_b1|bdash_b2/);
    }
    // 导出日志 from the activity view: the operation log of the tree, through the worker.
    await page.click('[data-testid="export-operation-logs"]');
    await page.waitForSelector('[data-testid="export-status"][data-status="done"]', { timeout: 60_000 });
    const [logFile] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-download"]')]);
    assert.match(logFile.suggestedFilename(), /^operation-logs-\d{4}-\d{2}-\d{2}\.xlsx$/);
    await page.locator('[data-testid="stats-page"]').screenshot({ path: path.join(SHOTS, 'stats-activity.png') });
    await page.close();
  });
});
