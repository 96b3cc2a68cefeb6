import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import type { Actor } from '../../policies/actor.js';
import { exportDownload, getExportStatus, requestCardKeyExport, writeCardKeyExport } from './exportCardKeys.js';
import { generateCardKeys } from './generateCardKeys.js';
import { startWorker } from '../../../worker/index.js';
import { makeWorld, recharge, until, withConfig, type World } from '../../../test/support/cardKeys.js';

async function expectedCodes(where: string, replacements: Record<string, unknown> = {}): Promise<string[]> {
  const rows = await db().query<{ code: string }>(`SELECT code FROM card_keys WHERE ${where} ORDER BY id`, { replacements, type: QueryTypes.SELECT });
  return rows.map((r) => r.code);
}

const csvCodes = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]!);

describe('card-key export', () => {
  let w: World;
  const dir = path.join(os.tmpdir(), `seahorse-export-test-${process.pid}`);

  before(async () => {
    w = await makeWorld('exp');
    for (const [agent, n] of [[w.agent, 7], [w.otherAgent, 4], [w.strayAgent, 3]] as Array<[Actor, number]>) {
      await recharge(agent.id, '100.00');
      await generateCardKeys({ actor: agent, agentId: agent.id, projectId: w.project.id, validityLabel: '1天', count: n });
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('contains exactly the rows each role may see (agent, agent admin, super admin), as CSV and XLSX', async () => {
    const cases: Array<[string, Actor, string[]]> = [
      ['agent', w.agent, await expectedCodes('agent_id = :a', { a: w.agent.id })],
      ['agent admin', w.admin, await expectedCodes('agent_id IN (SELECT id FROM admin_users WHERE id = :a OR parent_id = :a)', { a: w.admin.id })],
      ['super admin', w.root, await expectedCodes('true')],
    ];
    assert.equal(cases[0]![2].length, 7);
    assert.equal(cases[1]![2].length, 11);
    for (const [label, actor, expected] of cases) {
      const csvFile = path.join(dir, `${label}.csv`);
      assert.equal(await writeCardKeyExport(actor, {}, 'csv', csvFile), expected.length, label);
      assert.deepEqual(csvCodes(await readFile(csvFile, 'utf8')), expected, label);

      const xlsxFile = path.join(dir, `${label}.xlsx`);
      await writeCardKeyExport(actor, {}, 'xlsx', xlsxFile);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(xlsxFile);
      const codes: string[] = [];
      book.worksheets[0]!.eachRow((row, n) => n > 1 && codes.push(String(row.getCell(1).value)));
      assert.deepEqual(codes, expected, label);
    }
    const filtered = path.join(dir, 'filtered.csv');
    await writeCardKeyExport(w.agent, { agentId: w.strayAgent.id }, 'csv', filtered);
    assert.deepEqual(csvCodes(await readFile(filtered, 'utf8')), [], 'a filter cannot widen the scope');
  });

  it('runs in the worker and is downloadable only by its requester', async () => {
    await withConfig({ EXPORT_DIR: dir }, async () => {
      const worker = await startWorker({ only: ['exports'] });
      try {
        const requested = await requestCardKeyExport({ actor: w.admin, format: 'xlsx', filter: { status: 'unused' } });
        const done = await until(async () => {
          const s = await getExportStatus(w.admin, requested.id);
          return s.status === 'done' || s.status === 'failed' ? s : null;
        }, 'export');
        assert.equal(done.status, 'done');
        assert.equal(done.rows, 11);
        const download = await exportDownload(w.admin, requested.id);
        assert.ok(download.size > 0);
        assert.match(download.filename, /\.xlsx$/);
        await assert.rejects(exportDownload(w.agent, requested.id), { status: 404 });
        await assert.rejects(requestCardKeyExport({ actor: w.agent, format: 'pdf' as 'csv', filter: {} }), { status: 400 });
      } finally {
        await worker.close();
      }
    });
  });
});
