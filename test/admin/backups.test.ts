import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Op } from 'sequelize';
import { mountAdminWith } from '../../admin/mount.js';
import { config, loadConfig, setConfig } from '../../server/config.js';
import { db } from '../../server/db/index.js';
import { AdminUser, Backup, BackupRestoreRequest, EmailMessage, OperationLog, SystemLog } from '../../server/models/index.js';
import { queue } from '../../server/queues/queue.js';
import { createBackup } from '../../server/services/backups/createBackup.js';
import { databaseName, withDatabase } from '../../server/services/backups/pgTools.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { runCli } from '../ops/child.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { AdminClient, isRefused, type ApiBody } from './client.js';

const PASSWORD = 'Backups-pass-123';
const api = '/admin/api/resources';

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(config().DATABASE_URL, 'postgres') });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await client.end();
}

/** 备份 in the back office and the restore approval, per role, over AdminJS's HTTP API; the CLI restore it unlocks. */
describe('backups in the back office: list, 立即备份, download, restore requests and approval', function () {
  this.timeout(420_000); // five CLI child processes (tsx start-up) in one test; slow on a loaded machine
  let server: TestServer;
  let dir: string;
  let previous: ReturnType<typeof config>;
  let backup: Backup;
  const suffix = randomBytes(3).toString('hex');
  const as = {} as Record<'root' | 'root2' | 'agentAdmin' | 'agent', AdminClient>;
  const ids = {} as Record<'root' | 'root2', number>;
  const copy = () => `${databaseName(config().DATABASE_URL)}_adm_copy`.slice(0, 63);

  before(async () => {
    db(); // initialises the models in this module graph
    previous = config();
    dir = await mkdtemp(path.join(os.tmpdir(), 'seahorse-admin-backups-'));
    process.env.BACKUP_DIR = dir; // for the CLI child processes too
    setConfig(loadConfig());
    ids.root = (await createAdminUser({ username: `bk_root_${suffix}`, password: PASSWORD, role: 'super_admin', email: `bk_root_${suffix}@example.com` })).id;
    ids.root2 = (await createAdminUser({ username: `bk_root2_${suffix}`, password: PASSWORD, role: 'super_admin', email: `bk_root2_${suffix}@example.com` })).id;
    const agentAdmin = await createAdminUser({ username: `bk_aa_${suffix}`, password: PASSWORD, role: 'agent_admin' });
    await createAdminUser({ username: `bk_ag_${suffix}`, password: PASSWORD, role: 'agent', parentId: agentAdmin.id });
    backup = await createBackup({ kind: 'manual', actorId: ids.root });
    assert.equal(backup.status, 'verified', backup.error ?? '');
    server = await startTestServer({ mountAdmin: async (app) => void (await mountAdminWith(app, { assets: 'dev' })) });
    as.root = await AdminClient.login(server.url, `bk_root_${suffix}`, PASSWORD);
    as.root2 = await AdminClient.login(server.url, `bk_root2_${suffix}`, PASSWORD);
    as.agentAdmin = await AdminClient.login(server.url, `bk_aa_${suffix}`, PASSWORD);
    as.agent = await AdminClient.login(server.url, `bk_ag_${suffix}`, PASSWORD);
  });

  after(async () => {
    await server?.close();
    await dropDatabase(copy());
    if (ids.root) await AdminUser.update({ status: 'frozen' }, { where: { id: [ids.root, ids.root2] } });
    delete process.env.BACKUP_DIR;
    setConfig(previous);
    await rm(dir, { recursive: true, force: true });
  });

  const succeeded = (r: ApiBody, message: RegExp) => {
    assert.equal(r.status, 200);
    assert.equal(r.body.notice?.type, 'success', JSON.stringify(r.body).slice(0, 400));
    assert.match(r.body.notice!.message, message);
  };
  const refused = (r: ApiBody) => assert.ok(isRefused(r) || r.body.record?.baseError, `expected a refusal, got ${JSON.stringify(r.body).slice(0, 300)}`);

  it('lists backups with kind, size, checksum, status, verified at and created by — for the super admin only', async () => {
    const list = await as.root.getJson(`${api}/backups/actions/list?perPage=50`);
    const row = list.body.records!.find((r) => Number(r.params.id) === backup.id);
    assert.ok(row, `the backup is listed: ${JSON.stringify(list.body).slice(0, 600)}`);
    assert.equal(row.params.kind, 'manual');
    assert.equal(row.params.status, 'verified');
    assert.equal(row.params.sha256, backup.sha256);
    assert.equal(Number(row.params.sizeBytes), Number(backup.sizeBytes));
    assert.ok(row.params.verifiedAt);
    assert.equal(Number(row.params.createdBy), ids.root);
    for (const who of ['agentAdmin', 'agent'] as const) {
      const r = await as[who].getJson(`${api}/backups/actions/list`);
      assert.ok(isRefused(r) && !r.body.records?.length, `${who} cannot list backups`);
      refused(await as[who].getJson(`${api}/backup_restore_requests/actions/list`));
      refused(await as[who].getJson(`${api}/log_archives/actions/list`));
    }
  });

  it('立即备份 queues a manual backup for the worker (super admin only)', async () => {
    const q = queue('backups');
    await q.empty();
    for (const who of ['agentAdmin', 'agent'] as const) refused(await as[who].postJson(`${api}/backups/actions/backupNow`, {}));
    assert.equal(await q.count(), 0);
    // Opening the form (the GET the page sends first) starts nothing.
    await as.root.getJson(`${api}/backups/actions/backupNow`);
    assert.equal(await q.count(), 0, 'a GET queued a backup');
    succeeded(await as.root.postJson(`${api}/backups/actions/backupNow`, {}), /已开始备份/);
    const [job] = await q.getWaiting();
    assert.equal(job!.name, 'backups.create');
    assert.deepEqual(job!.data, { kind: 'manual', actorId: ids.root });
    await q.empty();
  });

  it('streams the encrypted file to a super admin; others get 403, nobody logged in 401', async () => {
    const action = await as.root.postJson(`${api}/backups/records/${backup.id}/download`, {});
    assert.equal(action.body.redirectUrl, `/admin/backups/${backup.id}/download`);
    const res = await as.root.get(`/admin/backups/${backup.id}/download`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', new RegExp(backup.fileName.replace(/\./g, '\\.')));
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(createHash('sha256').update(body).digest('hex'), backup.sha256);
    assert.deepEqual(body, await readFile(path.join(dir, backup.fileName)));
    assert.ok(await OperationLog.findOne({ where: { action: 'download', resource: 'backups', recordId: String(backup.id), actorId: ids.root } }));

    for (const who of ['agentAdmin', 'agent'] as const) {
      const denied = await as[who].get(`/admin/backups/${backup.id}/download`);
      assert.equal(denied.status, 403, who);
      assert.ok(!Buffer.from(await denied.arrayBuffer()).includes(Buffer.from('SHBKv1')));
      refused(await as[who].postJson(`${api}/backups/records/${backup.id}/download`, {}));
    }
    assert.equal((await fetch(`${server.url}/admin/backups/${backup.id}/download`)).status, 401);
    assert.equal((await as.root.get(`/admin/backups/999999/download`)).status, 404);
  });

  it('a restore request by one super admin is approved by another, never by the requester or a non-super admin', async () => {
    const form = { targetDatabase: copy(), inPlace: 'false', reason: 'restore drill: check last night backup' };
    for (const who of ['agentAdmin', 'agent'] as const) refused(await as[who].postJson(`${api}/backups/records/${backup.id}/requestRestore`, form));
    const short = await as.root.postJson(`${api}/backups/records/${backup.id}/requestRestore`, { ...form, reason: 'x' });
    refused(short);
    succeeded(await as.root.postJson(`${api}/backups/records/${backup.id}/requestRestore`, form), /已提交恢复申请/);
    const request = await BackupRestoreRequest.findOne({ where: { backupId: backup.id, requestedBy: ids.root }, order: [['id', 'DESC']] });
    assert.equal(request!.status, 'pending');
    assert.ok(await OperationLog.findOne({ where: { action: 'restore_request', recordId: String(request!.id) } }));
    assert.ok(await EmailMessage.findOne({ where: { toAddress: `bk_root2_${suffix}@example.com`, subject: { [Op.like]: `%#${request!.id}%` } } }), 'the other super admin is emailed');

    const approve = (who: keyof typeof as) => as[who].postJson(`${api}/backup_restore_requests/records/${request!.id}/approve`, {});
    const self = await approve('root');
    refused(self);
    assert.match(JSON.stringify(self.body), /不能审批自己的恢复申请/);
    refused(await approve('agentAdmin'));
    refused(await approve('agent'));
    await request!.reload();
    assert.equal(request!.status, 'pending');

    // Before approval, the CLI refuses: two or more super admins need an approved request.
    const early = await runCli(['backup:restore', String(backup.id), '--target-database', copy(), '--yes', '--request', String(request!.id)]);
    assert.equal(early.code, 1, early.stderr);
    assert.match(early.stderr, /未批准|not approved/);
    const noRequest = await runCli(['backup:restore', String(backup.id), '--target-database', copy(), '--yes']);
    assert.equal(noRequest.code, 1);
    assert.match(noRequest.stderr, /--request/);

    succeeded(await approve('root2'), /已批准/);
    await request!.reload();
    assert.equal(request!.status, 'approved');
    assert.equal(request!.decidedBy, ids.root2);
    refused(await approve('root2')); // decided once
    assert.ok(await OperationLog.findOne({ where: { action: 'restore_approve', recordId: String(request!.id), actorId: ids.root2 } }));

    const run = await runCli(['backup:restore', String(backup.id), '--target-database', copy(), '--yes', '--request', String(request!.id)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Restored backup #\d+ into database/);
    assert.match(run.stdout, /Quota reconciliation: \d+ accounts, 0 mismatch/);
    assert.match(run.stdout, /Points invariant: 0 user/);
    await request!.reload();
    assert.equal(request!.status, 'used');
    assert.ok(await OperationLog.findOne({ where: { action: 'restore', resource: 'backups', recordId: String(backup.id) } }));
    assert.ok(await SystemLog.findOne({ where: { source: 'backups.restore', message: { [Op.like]: `%已恢复到 ${copy()}%` } } }));
    assert.ok(await EmailMessage.findOne({ where: { subject: { [Op.like]: `%Backup #${backup.id} restored into ${copy()}%` } } }));

    const again = await runCli(['backup:restore', String(backup.id), '--target-database', copy(), '--yes', '--replace', '--request', String(request!.id)]);
    assert.equal(again.code, 1, 'a request is used once');
  });

  it('with a single super admin the CLI confirmation stands for the approval; in place needs the typed name', async () => {
    const others = await AdminUser.findAll({ where: { role: 'super_admin', status: 'active', id: { [Op.ne]: ids.root } } });
    await AdminUser.update({ status: 'frozen' }, { where: { id: others.map((u) => u.id) } });
    try {
      const unconfirmed = await runCli(['backup:restore', String(backup.id), '--target-database', copy(), '--replace']);
      assert.equal(unconfirmed.code, 1);
      assert.match(unconfirmed.stderr, /--yes/);
      const inPlace = await runCli(['backup:restore', String(backup.id), '--target-database', databaseName(config().DATABASE_URL), '--in-place', '--yes']);
      assert.equal(inPlace.code, 1, 'no typed name (stdin closed): refused');
      assert.match(inPlace.stderr, /数据库名不符|does not match/);
      const run = await runCli(['backup:restore', String(backup.id), '--target-database', copy(), '--replace', '--yes']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /The restored books balance/);
    } finally {
      await AdminUser.update({ status: 'active' }, { where: { id: others.map((u) => u.id) } });
    }
  });
});
