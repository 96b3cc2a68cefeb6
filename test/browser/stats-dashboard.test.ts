import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../server/lib/paths.js';
import { addDays, chinaDay } from '../../server/services/stats/days.js';
import { rollupRange } from '../../server/services/stats/rollup.js';
import { startBrowserWorld, type BrowserWorld } from '../support/browser.js';
import { truncateAll } from '../support/db.js';
import type { TestServer } from '../support/http.js';
import { makeStatsWorld, type StatsWorld } from '../stats/world.js';

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

  before(async () => {
    await truncateAll();
    const today = chinaDay();
    const days = [6, 5, 4, 3, 2, 1, 0].map((n) => addDays(today, -n));
    w = await makeStatsWorld('bdash', 7, days);
    await rollupRange({ from: days[0], to: today });
    mkdirSync(SHOTS, { recursive: true });
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });

  after(async () => {
    await world?.close();
  });

  async function logIn(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
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
});
