import { mountAdmin } from '../../admin/mount.js';
import assert from 'node:assert/strict';
import { db } from '../../server/db/index.js';
import { ApiCatalogEntry, ApiKey, MeteringService, OperationLog } from '../../server/models/index.js';
import { setApiKeysEnabled } from '../../server/services/apiKeys/changeApiKeys.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { AdminClient, isRefused } from './client.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { charge, newApi, newKey, newMiniUser, newService } from '../support/apiKeys.js';

const PASSWORD = 'Adm1n-secret-pass!';

describe('API keys and metering services in the back office', function () {
  this.timeout(120_000);
  let server: TestServer;
  let root: AdminClient;
  let agentAdmin: AdminClient;
  let rootId: number;

  before(async () => {
    db(); // initialises the models in this module graph before AdminJS inspects them
    rootId = (await createAdminUser({ username: 'keys_root', password: PASSWORD, role: 'super_admin' })).id;
    await createAdminUser({ username: 'keys_agentadmin', password: PASSWORD, role: 'agent_admin' });
    server = await startTestServer({ mountAdmin });
    root = await AdminClient.login(server.url, 'keys_root', PASSWORD);
    agentAdmin = await AdminClient.login(server.url, 'keys_agentadmin', PASSWORD);
  });
  after(() => server?.close());

  it('a super admin registers a metering service (secret shown once), disables any user’s key at once, and it is audited', async () => {
    const registered = await root.postJson('/admin/api/resources/metering_services/actions/registerService', { name: 'ocr-gateway' });
    const message = registered.body.notice?.message ?? '';
    const clientId = /Client ID：(\S+)/.exec(message)?.[1];
    const secret = /Secret：(\S+?)（/.exec(message)?.[1];
    assert.ok(clientId && secret, message);
    const service = { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` };

    const userId = await newMiniUser(10);
    const api = await newApi(1);
    const { id, key } = await newKey(userId);
    const body = { apiKey: key, apiName: api.name, callerIp: '10.0.0.1' };
    assert.equal((await charge(server.url, service, body)).body.data.decision, 'allow');

    const refused = await agentAdmin.postJson(`/admin/api/resources/meta_auth_key/records/${id}/disableKey`, {});
    assert.ok(isRefused(refused) || refused.body.record?.baseError, JSON.stringify(refused.body).slice(0, 300));
    assert.equal((await ApiKey.findByPk(id))!.status, 1, 'an agent admin cannot disable keys');

    const viaGet = await root.getJson(`/admin/api/resources/meta_auth_key/records/${id}/disableKey`);
    assert.equal(viaGet.status, 200);
    assert.equal((await ApiKey.findByPk(id))!.status, 1, 'a GET changes nothing');

    const disabled = await root.postJson(`/admin/api/resources/meta_auth_key/records/${id}/disableKey`, {});
    assert.equal(disabled.body.notice?.type, 'success', JSON.stringify(disabled.body).slice(0, 300));
    assert.equal((await ApiKey.findByPk(id))!.status, 0);
    assert.equal((await charge(server.url, service, body)).body.data.reason, 'KEY_DISABLED');
    const audit = await OperationLog.findOne({ where: { action: 'api_key.disable', recordId: id } });
    assert.equal(audit!.actorId, rootId);
    assert.ok(audit!.ip);

    const serviceId = (await MeteringService.findOne({ where: { clientId } }))!.id;
    const rotated = await root.postJson(`/admin/api/resources/metering_services/records/${serviceId}/rotateSecret`, {});
    assert.match(rotated.body.notice?.message ?? '', /Secret：/);
    await setApiKeysEnabled({ kind: 'mini_user', userId }, [id], true);
    assert.equal((await charge(server.url, service, body)).status, 401, 'the old secret stopped working');
  });

  it('the API catalog is edited through a validated, audited path; a new price applies to the next charge', async () => {
    const base = '/admin/api/resources/api_catalog';
    const created = await root.postJson(`${base}/actions/new`, { name: 'ocr.v2', path: '/v2/ocr', pointsPerCall: '3', status: '1' });
    assert.equal(created.body.notice?.type, 'success', JSON.stringify(created.body).slice(0, 300));
    const entry = (await ApiCatalogEntry.findOne({ where: { name: 'ocr.v2' } }))!;
    assert.deepEqual([entry.path, entry.pointsPerCall, entry.status], ['/v2/ocr', 3, 1]);

    // Bad input: a clear message, nothing written.
    for (const [payload, message] of [
      [{ name: 'ocr v3', path: '/v3', pointsPerCall: '1' }, /接口名/],
      [{ name: 'ocr.v3', path: 'v3', pointsPerCall: '1' }, /路径/],
      [{ name: 'ocr.v3', path: '/v3', pointsPerCall: '0' }, /至少为 1/],
      [{ name: 'ocr.v3', path: '/v3', pointsPerCall: '1.5' }, /整数/],
      [{ name: 'ocr.v3', path: '/v3', pointsPerCall: 'abc' }, /整数/],
      [{ name: 'ocr.v3', path: '/v3', pointsPerCall: '1', status: '7' }, /状态/],
      [{ name: 'ocr.v2', path: '/v3', pointsPerCall: '1' }, /同名/],
    ] as const) {
      const refused = await root.postJson(`${base}/actions/new`, payload);
      assert.ok(refused.status < 500, JSON.stringify(refused.body).slice(0, 300));
      const text = JSON.stringify(refused.body);
      assert.match(text, message);
    }
    assert.equal(await ApiCatalogEntry.count({ where: { name: 'ocr.v3' } }), 0);
    const badEdit = await root.postJson(`${base}/records/${entry.id}/edit`, { pointsPerCall: '-2' });
    assert.match(JSON.stringify(badEdit.body), /至少为 1/);
    assert.equal((await ApiCatalogEntry.findByPk(entry.id))!.pointsPerCall, 3);

    // A charge at 3, then the price goes to 5 (audited with before/after, actor and IP), then a charge at 5.
    const service = await newService();
    const userId = await newMiniUser(20);
    const { key } = await newKey(userId);
    const body = { apiKey: key, apiName: 'ocr.v2', callerIp: '10.0.0.1' };
    assert.equal((await charge(server.url, service, body)).body.data.chargedPoints, 3);
    const edited = await root.postJson(`${base}/records/${entry.id}/edit`, { pointsPerCall: '5' });
    assert.equal(edited.body.notice?.type, 'success', JSON.stringify(edited.body).slice(0, 300));
    assert.equal((await charge(server.url, service, body)).body.data.chargedPoints, 5);
    const audit = await OperationLog.findOne({ where: { action: 'api_catalog.update', recordId: String(entry.id) } });
    assert.equal(audit!.actorId, rootId);
    assert.ok(audit!.ip);
    assert.deepEqual([(audit!.before as { pointsPerCall: number }).pointsPerCall, (audit!.after as { pointsPerCall: number }).pointsPerCall], [3, 5]);
    assert.ok(await OperationLog.findOne({ where: { action: 'api_catalog.create', recordId: String(entry.id) } }));

    // Disabling it reaches the charge at once; agent admins cannot touch the catalog.
    await root.postJson(`${base}/records/${entry.id}/edit`, { status: '0' });
    assert.equal((await charge(server.url, service, body)).body.data.reason, 'API_NOT_FOUND');
    const refused = await agentAdmin.postJson(`${base}/records/${entry.id}/edit`, { pointsPerCall: '1' });
    assert.ok(isRefused(refused) || refused.body.record?.baseError, JSON.stringify(refused.body).slice(0, 300));
    assert.equal((await ApiCatalogEntry.findByPk(entry.id))!.pointsPerCall, 5);

    const deleted = await root.postJson(`${base}/records/${entry.id}/delete`, {});
    assert.equal(deleted.body.notice?.type, 'success', JSON.stringify(deleted.body).slice(0, 300));
    assert.equal(await ApiCatalogEntry.count({ where: { id: entry.id } }), 0);
    assert.ok(await OperationLog.findOne({ where: { action: 'api_catalog.delete', recordId: String(entry.id) } }));
  });
});
