import { mountAdmin } from '../../admin/mount.js';
import assert from 'node:assert/strict';
import { db } from '../../server/db/index.js';
import { ApiKey, MeteringService, OperationLog } from '../../server/models/index.js';
import { setApiKeysEnabled } from '../../server/services/apiKeys/changeApiKeys.js';
import { createAdminUser } from '../../server/services/users/createAdminUser.js';
import { AdminClient, isRefused } from '../admin/client.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { charge, newApi, newKey, newMiniUser } from './fixtures.js';

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
});

