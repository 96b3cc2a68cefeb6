import assert from 'node:assert/strict';
import { mountAdminWith } from '../../admin/mount.js';
import { db } from '../../server/db/index.js';
import { OperationLog, SystemConfig, SystemConfigChange } from '../../server/models/index.js';
import { systemConfigDefinitions } from '../../server/services/systemConfig/definitions.js';
import { ensureDefaultSettings, getSetting, updateSetting } from '../../server/services/systemConfig/systemConfig.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { AdminClient, isRefused, type ApiBody } from './client.js';

const PASSWORD = 'Settings-pass-123';
const api = '/admin/api/resources/system_configs';
const changeUrl = (key: string) => `${api}/records/${key}/updateSetting`;

/** 修改 on system settings over AdminJS's HTTP API: typed, validated, logged, super admin only. */
describe('system settings in the back office (AdminJS HTTP API)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let rootId: number;
  const as = {} as Record<'root' | 'agentAdmin' | 'agent', AdminClient>;

  before(async () => {
    db();
    await ensureDefaultSettings(); // other suites may have emptied the tables
    rootId = (await createAdminUser({ username: 'cfg_root', password: PASSWORD, role: 'super_admin' })).id;
    const agentAdmin = await createAdminUser({ username: 'cfg_agentadmin', password: PASSWORD, role: 'agent_admin' });
    await createAdminUser({ username: 'cfg_agent', password: PASSWORD, role: 'agent', parentId: agentAdmin.id });
    server = await startTestServer({ mountAdmin: async (app) => void (await mountAdminWith(app, { assets: 'dev' })) });
    as.root = await AdminClient.login(server.url, 'cfg_root', PASSWORD);
    as.agentAdmin = await AdminClient.login(server.url, 'cfg_agentadmin', PASSWORD);
    as.agent = await AdminClient.login(server.url, 'cfg_agent', PASSWORD);
  });

  after(async () => {
    // Later suites share this database: put the defaults back.
    const root = { id: rootId, role: 'super_admin' };
    await updateSetting('basic.registration_enabled', systemConfigDefinitions['basic.registration_enabled'].default, root);
    await updateSetting('security.login_lock_minutes', systemConfigDefinitions['security.login_lock_minutes'].default, root);
    await server?.close();
  });

  const succeeded = (r: ApiBody, message: RegExp) => {
    assert.equal(r.status, 200);
    assert.equal(r.body.notice?.type, 'success', JSON.stringify(r.body).slice(0, 400));
    assert.match(r.body.notice!.message, message);
  };
  const refusedWith = (r: ApiBody, message: RegExp) => {
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 400));
    assert.ok(isRefused(r), `expected a refusal, got ${JSON.stringify(r.body).slice(0, 400)}`);
    assert.match(r.body.notice?.message ?? '', message);
  };
  const stored = async (key: string) => (await SystemConfig.findByPk(key))!.value;

  it('lists every defined setting, filterable by group', async () => {
    const all = await as.root.getJson(`${api}/actions/list?perPage=100`);
    assert.deepEqual(all.body.records!.map((r) => r.id).sort(), Object.keys(systemConfigDefinitions).sort());
    const security = await as.root.getJson(`${api}/actions/list?perPage=100&filters.configGroup=security`);
    const expected = Object.entries(systemConfigDefinitions).filter(([, d]) => d.group === 'security').map(([k]) => k);
    assert.deepEqual(security.body.records!.map((r) => r.id).sort(), expected.sort());
    const row = all.body.records!.find((r) => r.id === 'basic.registration_enabled')!;
    assert.equal(row.params.value, true);
  });

  it('super admin changes settings: the service sees the new values, change log and operation log hold before/after', async () => {
    const viaGet = await as.root.getJson(changeUrl('basic.registration_enabled'));
    assert.equal(viaGet.status, 200);
    assert.equal(viaGet.body.record!.params.value, true);
    assert.equal(await stored('basic.registration_enabled'), true, 'a GET changes nothing');

    succeeded(await as.root.postJson(changeUrl('basic.registration_enabled'), { value: 'false' }), /basic\.registration_enabled：开启 → 关闭/);
    assert.equal(await getSetting('basic.registration_enabled'), false);
    succeeded(await as.root.postJson(changeUrl('security.login_lock_minutes'), { value: ' 30 ' }), /15 → 30/);
    assert.equal(await getSetting('security.login_lock_minutes'), 30);

    for (const [key, before, after] of [
      ['basic.registration_enabled', true, false],
      ['security.login_lock_minutes', 15, 30],
    ] as const) {
      // This suite's changes only: other suites (e.g. registration) change the same settings as another admin.
      const changes = await SystemConfigChange.findAll({ where: { key, actorId: rootId } });
      assert.equal(changes.length, 1, key);
      assert.deepEqual([changes[0]!.before, changes[0]!.after, changes[0]!.actorId], [before, after, rootId]);
      assert.match(changes[0]!.ip ?? '', /127\.0\.0\.1/);
      const audit = await OperationLog.findAll({ where: { resource: 'system_configs', recordId: key, actorId: rootId } });
      assert.equal(audit.length, 1, key);
      assert.deepEqual([audit[0]!.actorId, audit[0]!.before, audit[0]!.after], [rootId, { value: before }, { value: after }]);
    }

    const changeLog = await as.root.getJson(`/admin/api/resources/system_config_changes/actions/list?filters.key=security.login_lock_minutes`);
    assert.deepEqual(changeLog.body.records!.map((r) => [r.params.before, r.params.after]), [[15, 30]]);
  });

  it('invalid values are refused with the validation message, never a 500, and change nothing', async () => {
    const key = 'security.login_lock_minutes';
    const before = await stored(key);
    const changesBefore = await SystemConfigChange.count();
    for (const [value, message] of [
      ['0', /数值过小/],
      ['abc', /期望 数字，实际接收 string/],
      ['', /期望 数字/],
      ['1.5', /期望 int/],
      ['1441', /数值过大/],
    ] as const) {
      const r = await as.root.postJson(changeUrl(key), { value });
      refusedWith(r, new RegExp(`配置项 ${key.replace('.', '\\.')} 的值无效：.*${message.source}`));
    }
    refusedWith(await as.root.postJson(changeUrl('basic.registration_enabled'), { value: 'maybe' }), /期望 boolean/);
    refusedWith(await as.root.postJson(changeUrl('basic.site_name'), { value: '   ' }), /数值过小|字符/);
    refusedWith(await as.root.postJson(changeUrl('quota.transfer_min'), { value: '0.001' }), /0\.01 的倍数/);
    assert.equal(await stored(key), before);
    assert.equal(await SystemConfigChange.count(), changesBefore);
  });

  it('the raw value cannot be written through the generic edit, new or delete', async () => {
    const key = 'security.login_lock_minutes';
    const before = await stored(key);
    refusedWith(await as.root.postJson(`${api}/records/${key}/edit`, { value: '999' }), /forbiddenError/);
    refusedWith(await as.root.postJson(`${api}/actions/new`, { key: 'x.y', configGroup: 'basic', value: '1' }), /forbiddenError/);
    refusedWith(await as.root.postJson(`${api}/records/${key}/delete`, {}), /forbiddenError/);
    refusedWith(await as.root.postJson(`/admin/api/resources/system_config_changes/records/1/edit`, { after: '1' }), /forbiddenError/);
    assert.equal(await stored(key), before);
    assert.ok(await SystemConfig.findByPk(key));
  });

  it('agent admins and agents are refused (list, the form and the change), nothing changes', async () => {
    const key = 'basic.site_name';
    const changesBefore = await SystemConfigChange.count();
    for (const who of ['agentAdmin', 'agent'] as const) {
      refusedWith(await as[who].getJson(`${api}/actions/list`), /forbiddenError/);
      const form = await as[who].getJson(changeUrl(key));
      // The scoped adapter finds no row for a role without access, before the action is even asked.
      refusedWith(form, /forbiddenError|cannot be found/);
      assert.deepEqual(form.body.record?.params ?? {}, {});
      refusedWith(await as[who].postJson(changeUrl(key), { value: 'Hacked' }), /forbiddenError|cannot be found/);
    }
    assert.equal(await stored(key), 'Seahorse');
    assert.equal(await SystemConfigChange.count(), changesBefore);
  });

  it('the service itself refuses anyone but a super admin', async () => {
    await assert.rejects(updateSetting('basic.site_name', 'Hacked', { id: rootId, role: 'agent_admin' }), /只有超级管理员可以修改系统配置/);
    assert.equal(await stored('basic.site_name'), 'Seahorse');
  });
});
