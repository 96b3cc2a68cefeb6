import assert from 'node:assert/strict';
import { mountAdmin } from '../../admin/mount.js';
import { Notification } from '../../server/models/index.js';
import { sendDueAnnouncements } from '../../server/services/notifications/index.js';
import { makeUser, type TestUser } from '../support/quota.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { AdminClient, isRefused, type ApiBody } from './client.js';

/** 通知管理 through AdminJS's HTTP API, by every role: the super admin publishes and edits; nobody else may. */
describe('announcements through the AdminJS back office', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let root: TestUser;
  let admin: TestUser;
  let agent: TestUser;
  let other: TestUser;
  const as: Record<string, AdminClient> = {};
  const later = () => new Date(Date.now() + 3600_000).toISOString();

  before(async () => {
    root = await makeUser('ana_root', 'super_admin');
    admin = await makeUser('ana_adm', 'agent_admin');
    agent = await makeUser('ana_ag', 'agent', admin.id);
    other = await makeUser('ana_other', 'agent', admin.id);
    srv = await startTestServer({ mountAdmin });
    for (const u of [root, admin, agent]) as[u.username] = await AdminClient.login(srv.url, u.username, 'abcd1234');
  });
  after(async () => srv.close());

  const post = (who: TestUser, path: string, fields: Record<string, string>) => as[who.username]!.postJson(`/admin/api/resources/${path}`, fields);
  const get = (who: TestUser, path: string) => as[who.username]!.getJson(`/admin/api/resources/${path}`);
  const succeeded = (r: ApiBody) => assert.equal(r.body.notice?.type, 'success', JSON.stringify(r.body));
  const refused = (r: ApiBody) => assert.ok(isRefused(r), `expected a refusal, got ${JSON.stringify(r.body).slice(0, 300)}`);
  const form = (extra: Record<string, string> = {}) => ({
    announcementType: 'feature',
    title: '新功能上线',
    body: '卡密导出支持 XLSX',
    audience: 'users',
    'audienceUserIds.0': String(agent.id),
    'audienceUserIds.1': String(other.id),
    sendEmail: 'true',
    scheduledAt: later(),
    ...extra,
  });

  it('the super admin publishes a scheduled announcement to chosen users (picker values), and edits it before it is sent', async () => {
    const created = await post(root, 'notifications/actions/new', form());
    succeeded(created);
    const id = Number(created.body.record!.id);
    const row = (await Notification.findByPk(id))!;
    assert.deepEqual([row.kind, row.announcementType, row.audience, row.sendEmail, row.createdBy], ['system', 'feature', 'users', true, root.id]);
    assert.deepEqual(row.audienceUserIds, [agent.id, other.id]);
    assert.equal(row.sentAt, null);

    succeeded(await post(root, `notifications/records/${id}/edit`, form({ title: '新功能：XLSX 导出', 'audienceUserIds.1': '' })));
    const edited = (await Notification.findByPk(id))!;
    assert.equal(edited.title, '新功能：XLSX 导出');
    assert.deepEqual(edited.audienceUserIds, [agent.id]);
  });

  it('a form with bad input is refused with the reason, and nothing is written', async () => {
    const before = await Notification.count();
    const r = await post(root, 'notifications/actions/new', form({ audience: 'role', audienceRole: '' }));
    refused(r);
    assert.match(JSON.stringify(r.body), /请选择角色/);
    refused(await post(root, 'notifications/actions/new', form({ scheduledAt: '2001-01-01T00:00:00Z' })));
    assert.equal(await Notification.count(), before);
  });

  it('agent admins and agents can neither publish nor edit announcements', async () => {
    const before = await Notification.count();
    for (const who of [admin, agent]) refused(await post(who, 'notifications/actions/new', form({ title: `by ${who.username}` })));
    assert.equal(await Notification.count(), before);
    const target = await Notification.findOne({ where: { kind: 'system', title: '新功能：XLSX 导出' } });
    for (const who of [admin, agent]) refused(await post(who, `notifications/records/${target!.id}/edit`, form({ title: 'hijacked' })));
    assert.equal((await Notification.findByPk(target!.id))!.title, '新功能：XLSX 导出');
  });

  it('after sending, the recipient reads it in 我的通知 and the super admin sees how many received and read it', async () => {
    const created = await post(root, 'notifications/actions/new', form({ audience: 'role', audienceRole: 'agent', 'audienceUserIds.0': '', 'audienceUserIds.1': '', sendEmail: 'false' }));
    succeeded(created);
    const id = Number(created.body.record!.id);
    await sendDueAnnouncements({ now: new Date(Date.now() + 2 * 3600_000), id });
    const received = (await Notification.sequelize!.query(`SELECT COUNT(*)::int AS n FROM notification_recipients WHERE notification_id = ${id}`))[0] as Array<{ n: number }>;

    const inbox = await get(agent, 'notification_recipients/actions/inbox');
    const item = (inbox.body.items as Array<{ id: number; notificationId: string; announcementType: string }>).find((i) => Number(i.notificationId) === id);
    assert.ok(item, 'the agent received it');
    assert.equal(item.announcementType, 'feature');
    await post(agent, 'notification_recipients/actions/inbox', { ids: String(item.id) });

    const list = await get(root, 'notifications/actions/list?perPage=50');
    const listed = list.body.records!.find((r) => Number(r.id) === id)!;
    assert.equal(listed.params.receivedCount, received[0]!.n);
    assert.equal(listed.params.readCount, 1);
    const shown = await get(root, `notifications/records/${id}/show`);
    assert.equal(shown.body.record!.params.readCount, 1);

    // The agent sees the announcement (own rows) but not the figures; the agent admin (not a recipient) does not see it.
    const agentList = await get(agent, 'notifications/actions/list?perPage=50');
    const own = agentList.body.records!.find((r) => Number(r.id) === id);
    assert.ok(own);
    assert.equal(own.params.receivedCount, undefined);
    const adminList = await get(admin, 'notifications/actions/list?perPage=50');
    assert.ok(!adminList.body.records!.some((r) => Number(r.id) === id));
  });
});
