import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { makeStatsWorld, type StatsWorld } from '../../../test/support/statsWorld.js';
import { exportFile, exportStatus } from '../exports/exportJobs.js';
import { logExport, writeLogExport } from './exportLogs.js';

describe('log exports (导出日志, scoped)', () => {
  let w: StatsWorld;
  let dir: string;
  const range = { from: '2026-03-01', to: '2026-03-05' };

  before(async () => {
    w = await makeStatsWorld('logx', 5);
    dir = await mkdtemp(path.join(os.tmpdir(), 'log-export-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("an agent admin's operation-log CSV holds exactly their tree's rows of the range", async () => {
    const file = path.join(dir, 'ops.csv');
    const rows = await writeLogExport(w.adminA, { log: 'operation', format: 'csv', ...range }, file);
    const tree = w.visible(w.adminA);
    // world rows are owned by their actor; other suites never write March 2026
    assert.equal(rows, w.operations.filter((o) => tree.has(o.actorId)).length);
    const lines = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').trim().split('\n');
    assert.equal(lines[0], '时间,操作人,角色,操作,对象,记录,IP');
    assert.equal(lines.length - 1, rows);
    assert.ok(lines.slice(1).every((l) => /,logx_(aa|a1|a2),/.test(l)), 'only the tree');
  });

  it('an agent gets their own login log as XLSX; the worker job records it for them alone', async () => {
    const agent = w.agents[2]!;
    const file = path.join(dir, 'logins.xlsx');
    const rows = await writeLogExport(agent, { log: 'login', format: 'xlsx', ...range }, file);
    assert.equal(rows, w.logins.filter((l) => l.userId === agent.id).length);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    assert.equal(book.worksheets[0]!.rowCount, rows + 1);
    assert.equal(book.worksheets[0]!.getRow(1).getCell(2).value, '用户名');

    const status = await logExport.request(agent, { log: 'login', format: 'csv', ...range });
    await logExport.job.runNow({ exportId: status.id, actorId: agent.id, request: { log: 'login', format: 'csv', ...range } });
    assert.equal((await exportStatus(agent, status.id)).rows, rows);
    const out = await exportFile(agent, status.id);
    assert.equal(out.contentType, 'text/csv; charset=utf-8');
    await assert.rejects(exportFile(w.adminB, status.id), (e: { status?: number }) => e.status === 404);
    await rm(out.file, { force: true });
  });
});
