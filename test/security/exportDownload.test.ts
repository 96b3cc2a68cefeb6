import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { db } from '../../server/db/index.js';
import { purgeOldExports, requestCardKeyExport, runCardKeyExport } from '../../server/services/cardKeys/exportCardKeys.js';
import { generateCardKeys } from '../../server/services/cardKeys/generateCardKeys.js';
import { makeWorld, recharge, type World } from '../support/cardKeys.js';
import { Session, startAdminServer } from './support.js';

/** Issue 11 item 12: exports stream from a scoped route as attachments, and are deleted after the retention period. */
describe('security: export downloads', function () {
  this.timeout(120_000);
  let w: World;
  let app: Awaited<ReturnType<typeof startAdminServer>>;
  let dir: string;
  let exportId: string;
  let file: string;

  before(async () => {
    db();
    dir = await mkdtemp(path.join(os.tmpdir(), 'seahorse-exports-'));
    w = await makeWorld('dlexp');
    await recharge(w.agent.id, '10.00');
    await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '1天', count: 3 });
    app = await startAdminServer({ EXPORT_DIR: dir });
    const requested = await requestCardKeyExport({ actor: w.agent, format: 'csv', filter: {} });
    exportId = requested.id;
    file = (await runCardKeyExport({ exportId, actorId: w.agent.id, format: 'csv', filter: {} })).file!;
  });
  after(async () => {
    await app.restore();
    await rm(dir, { recursive: true, force: true });
  });

  it('the requester downloads a streamed attachment of the right type; nobody else can', async () => {
    const owner = await Session.login(app.server.url, `${'dlexp'}_agent`, 'abcd1234');
    const res = await owner.request('GET', `/admin/exports/card-keys/${exportId}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="card-keys-\d{4}-\d{2}-\d{2}\.csv"/);
    assert.equal((await res.text()).replace(/^\uFEFF/, '').trim().split('\n').length, 4, 'header + 3 keys');

    const other = await Session.login(app.server.url, 'dlexp_agent2', 'abcd1234');
    assert.equal((await other.request('GET', `/admin/exports/card-keys/${exportId}`)).status, 404);
    const boss = await Session.login(app.server.url, 'dlexp_admin', 'abcd1234');
    assert.equal((await boss.request('GET', `/admin/exports/card-keys/${exportId}`)).status, 404, 'only the requester, whatever the role');
    assert.equal((await fetch(`${app.server.url}/admin/exports/card-keys/${exportId}`, { redirect: 'manual' })).status, 401);
  });

  it('the export action no longer returns the file inside JSON', async () => {
    const owner = await Session.login(app.server.url, 'dlexp_agent', 'abcd1234');
    const res = await owner.request('GET', `/admin/api/resources/card_keys/actions/export?exportId=${exportId}&download=1`);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.download, undefined);
    assert.equal((body.exportStatus as { status: string }).status, 'done');
  });

  it('files older than card_key.export_retention_hours (24 by default) are deleted by the purge job', async () => {
    assert.equal(await purgeOldExports(), 0);
    assert.ok(existsSync(file));
    const old = new Date(Date.now() - 25 * 3_600_000);
    await utimes(file, old, old);
    assert.equal(await purgeOldExports(), 1);
    assert.equal(existsSync(file), false);
  });
});
