import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { makeStatsWorld, type StatsWorld } from '../../../test/support/statsWorld.js';
import { exportFile, exportStatus } from '../exports/exportJobs.js';
import { statsExport, writeStatsExport } from './exportStats.js';
import { rollupRange } from './rollup.js';

const FROM = '2026-02-28';
const TO = '2026-03-09';
const query = { range: 'day' as const, from: FROM, to: TO };

/** Dark pixels in the top-left corner of page 1 (where the title is), rendered by pdftoppm. */
async function inkInTitle(file: string): Promise<number> {
  const prefix = `${file}-render`;
  await promisify(execFile)('pdftoppm', ['-gray', '-r', '72', '-f', '1', '-l', '1', '-x', '30', '-y', '30', '-W', '200', '-H', '30', file, prefix]);
  const pgm = await readFile(`${prefix}-1.pgm`);
  // P5 header: magic, width, height, maxval, each followed by whitespace; then one byte per pixel.
  let at = 0;
  for (let fields = 0; fields < 4; fields++) {
    while (/\s/.test(String.fromCharCode(pgm[at]!))) at++;
    while (!/\s/.test(String.fromCharCode(pgm[at]!))) at++;
  }
  return [...pgm.subarray(at + 1)].filter((v) => v < 128).length;
}

async function pdfText(file: string): Promise<string> {
  const { stdout } = await promisify(execFile)('pdftotext', ['-layout', file, '-']);
  return stdout;
}

/** Card keys generated in the range by the users `ids`, counted from the raw table. */
async function generatedBy(ids: number[]): Promise<number> {
  const [r] = await db().query<{ n: string }>(
    `SELECT count(*) AS n FROM card_keys WHERE agent_id IN (:ids) AND created_at >= :from AND created_at < :to`,
    { replacements: { ids, from: new Date(`${FROM}T00:00:00+08:00`), to: new Date('2026-03-10T00:00:00+08:00') }, type: QueryTypes.SELECT },
  );
  return Number(r!.n);
}

describe('stats exports (XLSX and PDF, scoped)', () => {
  let w: StatsWorld;
  let dir: string;

  before(async () => {
    w = await makeStatsWorld('xprt', 99);
    await rollupRange({ from: FROM, to: TO });
    dir = await mkdtemp(path.join(os.tmpdir(), 'stats-export-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("the XLSX of an agent admin's card keys holds their tree's rows and the raw totals, nothing of the other tree", async () => {
    const file = path.join(dir, 'keys.xlsx');
    const rows = await writeStatsExport(w.adminA, { view: 'card-keys', format: 'xlsx', query }, file);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.worksheets[0]!;
    const values = sheet.getSheetValues().slice(1).map((r) => (Array.isArray(r) ? r.slice(1) : [])) as unknown[][];
    assert.equal(values[0]![0], '卡密统计');
    assert.deepEqual(values[2], ['日期', '项目', '代理', '生成', '激活', '验证', '过期', '禁用']);
    const body = values.slice(3, -1);
    assert.equal(body.length, rows);
    const total = values.at(-1)!;
    assert.equal(total[0], '合计');
    const treeA = [...w.visible(w.adminA)];
    assert.equal(total[3], await generatedBy(treeA));
    assert.equal(body.reduce((s, r) => s + Number(r[3]), 0), total[3]);
    const namesA = new Set(['xprt_a1', 'xprt_a2']);
    assert.ok(body.every((r) => namesA.has(String(r[2]))), 'only agents of the tree');
  });

  it('the PDF is a real document: Chinese headings and the figures come back out with pdftotext', async () => {
    const file = path.join(dir, 'keys.pdf');
    await writeStatsExport(w.adminB, { view: 'card-keys', format: 'pdf', query }, file);
    const text = await pdfText(file);
    assert.match(text, /卡密统计/);
    assert.match(text, /日期\s+项目\s+代理\s+生成\s+激活\s+验证\s+过期\s+禁用/);
    assert.match(text, /2026-02-28 ~ 2026-03-09/);
    const total = await generatedBy([...w.visible(w.adminB)]);
    assert.match(text, new RegExp(`合计\\s+${total}\\s`));
    assert.match(text, /xprt_b1/);
    assert.doesNotMatch(text, /xprt_a1|xprt_a2/);
    const { stdout: fonts } = await promisify(execFile)('pdffonts', [file]);
    assert.match(fonts, /NotoSansSC/i, 'the font is embedded');
    assert.ok((await inkInTitle(file)) > 50, 'the title is drawn (glyphs, not only extractable text)');
  });

  it('quota in English: labels of the ledger types, the money totals', async () => {
    const file = path.join(dir, 'quota.pdf');
    await writeStatsExport(w.agents[0]!, { view: 'quota', format: 'pdf', query, lang: 'en' }, file);
    const text = await pdfText(file);
    assert.match(text, /Quota statistics/);
    const mine = w.ledger.filter((l) => l.userId === w.agents[0]!.id);
    const inCents = mine.filter((l) => l.delta > 0).reduce((s, l) => s + Math.round(l.delta * 100), 0);
    assert.match(text, new RegExp(`Total\\s+${(inCents / 100).toFixed(2).replace('.', '\\.')}\\s`));
    assert.doesNotMatch(text, /xprt_a2|xprt_b1/);
  });

  it('runs in the worker job with progress, and only the requester gets the file', async () => {
    const status = await statsExport.request(w.adminA, { view: 'activity', format: 'xlsx', query });
    assert.equal(status.status, 'queued');
    await statsExport.job.runNow({ exportId: status.id, actorId: w.adminA.id, request: { view: 'activity', format: 'xlsx', query } });
    const done = await exportStatus(w.adminA, status.id);
    assert.deepEqual([done.status, done.progress], ['done', 100]);
    const out = await exportFile(w.adminA, status.id);
    assert.ok(existsSync(out.file));
    assert.match(out.filename, /^stats-activity-\d{4}-\d{2}-\d{2}\.xlsx$/);
    await assert.rejects(exportFile(w.adminB, status.id), (e: { status?: number }) => e.status === 404);
    await assert.rejects(statsExport.request(w.adminA, { view: 'secrets', format: 'xlsx' }), (e: { status?: number }) => e.status === 400);
    await rm(out.file, { force: true });
  });
});
