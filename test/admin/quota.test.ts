import assert from 'node:assert/strict';
import { mountAdmin } from '../../admin/mount.js';
import { OperationLog, QuotaTransfer, Withdrawal } from '../../server/models/index.js';
import { updateSetting } from '../../server/services/systemConfig/systemConfig.js';
import { AdminClient, isRefused, type ApiBody } from './client.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { account, fund, makeCast, snapshot, type TestUser } from '../support/quota.js';

const PASSWORD = 'abcd1234';

describe('quota actions through the AdminJS back office', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let root: TestUser, admin1: TestUser, admin2: TestUser, agentA: TestUser, agentB: TestUser, agentC: TestUser;
  let everyone: number[];
  const as: Record<string, AdminClient> = {};

  before(async () => {
    ({ root, admin1, admin2, agentA, agentB, agentC } = await makeCast('qa'));
    srv = await startTestServer({ mountAdmin });
    everyone = [root, admin1, admin2, agentA, agentB, agentC].map((u) => u.id);
    await fund(root, admin1, '5000.00');
    await fund(root, admin2, '5000.00');
    for (const u of [root, admin1, admin2, agentA, agentB]) as[u.username] = await AdminClient.login(srv.url, u.username, PASSWORD);
  });
  after(async () => srv.close());

  const recordAction = (who: TestUser, resource: string, id: number, action: string, fields: Record<string, string>) =>
    as[who.username]!.postJson(`/admin/api/resources/${resource}/records/${id}/${action}`, fields);
  const resourceAction = (who: TestUser, resource: string, action: string, fields: Record<string, string>) =>
    as[who.username]!.postJson(`/admin/api/resources/${resource}/actions/${action}`, fields);
  const succeeded = (r: ApiBody) => {
    assert.equal(r.status, 200);
    assert.equal(r.body.notice?.type, 'success', JSON.stringify(r.body));
  };
  const refusedWith = (r: ApiBody, message?: RegExp) => {
    assert.ok(isRefused(r), `expected a refusal, got ${JSON.stringify(r.body)}`);
    if (message) assert.match(r.body.notice?.message ?? '', message);
  };

  it('充值: super admin (system) and agent admin (own agent, from own balance)', async () => {
    succeeded(await recordAction(root, 'admin_users', agentC.id, 'recharge', { amount: '300', memo: '首充' }));
    assert.equal((await account(agentC.id)).balance, '300.00');
    succeeded(await recordAction(admin1, 'admin_users', agentA.id, 'recharge', { amount: '1000' }));
    assert.equal((await account(agentA.id)).balance, '1000.00');
    assert.equal((await account(admin1.id)).balance, '4000.00');
    const log = await OperationLog.findOne({ where: { action: 'recharge', ownerId: agentA.id } });
    assert.equal(log!.actorId, admin1.id);
    assert.match(log!.ip ?? '', /127\.0\.0\.1/, 'the operation log has the client IP');
  });

  it('an agent admin cannot recharge someone else\'s agent, a peer or themself by any route; an agent cannot recharge', async () => {
    const before = await snapshot(everyone);
    refusedWith(await recordAction(admin1, 'admin_users', agentC.id, 'recharge', { amount: '10' }));
    refusedWith(await recordAction(admin1, 'admin_users', admin2.id, 'recharge', { amount: '10' }));
    refusedWith(await recordAction(admin1, 'admin_users', admin1.id, 'recharge', { amount: '10' }));
    refusedWith(await recordAction(agentA, 'admin_users', agentB.id, 'recharge', { amount: '10' }));
    refusedWith(await recordAction(agentA, 'admin_users', agentA.id, 'recharge', { amount: '10' }));
    refusedWith(await as[admin1.username]!.getJson(`/admin/api/resources/admin_users/records/${agentC.id}/recharge`));
    assert.deepEqual(await snapshot(everyone), before);
  });

  it('a refusal shows the service\'s message and changes nothing', async () => {
    const before = await snapshot(everyone);
    refusedWith(await resourceAction(agentA, 'quota_transfers', 'transfer', { recipientUsername: agentB.username, amount: '99999' }), /额度不足/);
    refusedWith(await resourceAction(agentA, 'quota_transfers', 'transfer', { recipientUsername: 'nobody_zz', amount: '5' }), /接收方用户不存在/);
    refusedWith(await resourceAction(agentA, 'quota_transfers', 'transfer', { recipientUsername: agentA.username, amount: '5' }), /不能给自己转账/);
    refusedWith(await resourceAction(agentA, 'quota_transfers', 'transfer', { recipientUsername: agentB.username, amount: '0.5' }), /不能低于/);
    refusedWith(await resourceAction(agentA, 'withdrawals', 'requestWithdrawal', { amount: '10', accountInfo: '银行卡' }), /不能低于 100\.00/);
    refusedWith(await recordAction(admin1, 'admin_users', agentA.id, 'recharge', { amount: '99999' }), /额度不足/);
    assert.deepEqual(await snapshot(everyone), before);
  });

  it('转账 and 申请提现 for agents; 审核 by their own agent admin only; 撤销 by the applicant', async () => {
    succeeded(await resourceAction(agentA, 'quota_transfers', 'transfer', { recipientUsername: agentB.username, amount: '50' }));
    assert.equal((await account(agentB.id)).balance, '50.00');

    succeeded(await resourceAction(agentA, 'withdrawals', 'requestWithdrawal', { amount: '200', accountInfo: '工商银行 6222' }));
    const w = (await Withdrawal.findOne({ where: { userId: agentA.id }, order: [['id', 'DESC']] }))!;
    assert.deepEqual(await account(agentA.id), { balance: '750.00', frozen: '200.00' });

    const other = await AdminClient.login(srv.url, admin2.username, PASSWORD);
    refusedWith(await other.postJson(`/admin/api/resources/withdrawals/records/${w.id}/review`, { decision: 'approve', paymentReference: 'X' }));
    refusedWith(await recordAction(agentB, 'withdrawals', w.id, 'review', { decision: 'reject', opinion: 'x' }));
    refusedWith(await recordAction(agentB, 'withdrawals', w.id, 'cancel', {}));
    // A GET on a record action shows the record; it never decides anything.
    await as[admin1.username]!.getJson(`/admin/api/resources/withdrawals/records/${w.id}/review?decision=approve&paymentReference=X`);
    assert.equal((await w.reload()).status, 'pending');

    refusedWith(await recordAction(admin1, 'withdrawals', w.id, 'review', { decision: 'approve' }), /打款流水号/);
    succeeded(await recordAction(admin1, 'withdrawals', w.id, 'review', { decision: 'approve', paymentReference: 'ICBC-778' }));
    assert.equal((await w.reload()).status, 'approved');
    assert.deepEqual(await account(agentA.id), { balance: '750.00', frozen: '0.00' });

    succeeded(await resourceAction(agentA, 'withdrawals', 'requestWithdrawal', { amount: '100', accountInfo: '工商银行 6222' }));
    const w2 = (await Withdrawal.findOne({ where: { userId: agentA.id, status: 'pending' } }))!;
    succeeded(await recordAction(agentA, 'withdrawals', w2.id, 'cancel', {}));
    assert.equal((await w2.reload()).status, 'cancelled');
    assert.deepEqual(await account(agentA.id), { balance: '750.00', frozen: '0.00' });
  });

  it('审核 of a held transfer is the super admin\'s', async () => {
    await updateSetting('quota.transfer_review_threshold', 100, root);
    try {
      succeeded(await resourceAction(agentA, 'quota_transfers', 'transfer', { recipientUsername: agentB.username, amount: '150' }));
      const t = (await QuotaTransfer.findOne({ where: { fromUserId: agentA.id, status: 'pending_review' } }))!;
      refusedWith(await recordAction(admin1, 'quota_transfers', t.id, 'review', { decision: 'approve' }));
      refusedWith(await recordAction(root, 'quota_transfers', t.id, 'review', { decision: 'reject' }), /审核意见/);
      succeeded(await recordAction(root, 'quota_transfers', t.id, 'review', { decision: 'reject', opinion: '请分笔转账' }));
      assert.equal((await t.reload()).status, 'rejected');
      assert.deepEqual(await account(agentA.id), { balance: '750.00', frozen: '0.00' });
    } finally {
      await updateSetting('quota.transfer_review_threshold', 10000, root);
    }
  });

  it('充值 held for review: an agent admin\'s large recharge waits frozen, the super admin releases it (审核); the agent admin cannot', async () => {
    await updateSetting('quota.transfer_review_threshold', 100, root);
    try {
      const [adminBefore, agentBefore] = [await account(admin1.id), await account(agentB.id)];
      const r = await recordAction(admin1, 'admin_users', agentB.id, 'recharge', { amount: '120' });
      succeeded(r);
      assert.match(r.body.notice?.message ?? '', /审核/);
      const t = (await QuotaTransfer.findOne({ where: { fromUserId: admin1.id, toUserId: agentB.id, status: 'pending_review' } }))!;
      assert.equal(t.kind, 'recharge');
      assert.deepEqual(await account(agentB.id), agentBefore, 'nothing reaches the agent before review');
      refusedWith(await recordAction(admin1, 'quota_transfers', t.id, 'review', { decision: 'approve' }));
      succeeded(await recordAction(root, 'quota_transfers', t.id, 'review', { decision: 'approve' }));
      assert.equal((await account(agentB.id)).balance, (Number(agentBefore.balance) + 120).toFixed(2));
      assert.deepEqual(await account(admin1.id), { balance: (Number(adminBefore.balance) - 120).toFixed(2), frozen: adminBefore.frozen });
    } finally {
      await updateSetting('quota.transfer_review_threshold', 10000, root);
    }
  });

  it('审核 → 部分处理 of a held transfer: the super admin lets part through; refused for an agent admin or a bad amount', async () => {
    await updateSetting('quota.transfer_review_threshold', 100, root);
    try {
      const bBefore = await account(agentB.id);
      succeeded(await resourceAction(agentA, 'quota_transfers', 'transfer', { recipientUsername: agentB.username, amount: '150' }));
      const t = (await QuotaTransfer.findOne({ where: { fromUserId: agentA.id, status: 'pending_review' } }))!;
      const partial = (amount: string, opinion = '仅放行部分') => ({ decision: 'partial', approvedAmount: amount, opinion });

      const before = await snapshot(everyone);
      refusedWith(await recordAction(admin1, 'quota_transfers', t.id, 'review', partial('60')));
      refusedWith(await recordAction(agentA, 'quota_transfers', t.id, 'review', partial('60')));
      refusedWith(await recordAction(root, 'quota_transfers', t.id, 'review', partial('150')), /必须小于转账额度 150\.00/);
      refusedWith(await recordAction(root, 'quota_transfers', t.id, 'review', partial('0')), /大于 0/);
      refusedWith(await recordAction(root, 'quota_transfers', t.id, 'review', partial('abc')), /正数/);
      refusedWith(await recordAction(root, 'quota_transfers', t.id, 'review', partial('60', '')), /部分处理时请填写审核意见/);
      assert.deepEqual(await snapshot(everyone), before);

      const done = await recordAction(root, 'quota_transfers', t.id, 'review', partial('60'));
      succeeded(done);
      assert.match(done.body.notice?.message ?? '', /已部分放行：60\.00/);
      await t.reload();
      assert.deepEqual([t.status, t.approvedAmount, t.reviewerId], ['partial', '60.00', root.id]);
      assert.deepEqual(await account(agentA.id), { balance: '690.00', frozen: '0.00' });
      assert.equal((await account(agentB.id)).balance, (Number(bBefore.balance) + 60).toFixed(2));
      const logs = await OperationLog.findAll({ where: { resource: 'quota_transfers', recordId: String(t.id), action: 'review_partial' } });
      assert.equal(logs.length, 2);
      assert.ok(logs.every((l) => l.actorId === root.id && /127\.0\.0\.1/.test(l.ip ?? '')));
      refusedWith(await recordAction(root, 'quota_transfers', t.id, 'review', { decision: 'approve' }));
    } finally {
      await updateSetting('quota.transfer_review_threshold', 10000, root);
    }
  });

  it('我的通知: each admin reads and marks only their own notifications; the unread count follows', async () => {
    const count = async (who: TestUser) =>
      (await as[who.username]!.getJson('/admin/api/resources/notification_recipients/actions/unreadCount')).body.count as number;
    const unreadA = await count(agentA);
    assert.ok(unreadA >= 5, `agent A was told of each move (${unreadA})`);
    const inbox = await as[agentA.username]!.getJson('/admin/api/resources/notification_recipients/actions/inbox');
    const items = inbox.body.items as Array<{ id: number; title: string; readAt: string | null }>;
    assert.equal(inbox.body.unread, unreadA);
    assert.ok(items.some((i) => i.title === '额度充值到账'));
    // An admin reading in English reads the same notification in English.
    const english = await fetch(`${srv.url}/admin/api/resources/notification_recipients/actions/inbox`, { headers: { cookie: `${as[agentA.username]!.cookieHeader()}; seahorse_lang=en` } });
    const englishItems = ((await english.json()) as { items: Array<{ id: number; title: string }> }).items;
    assert.equal(englishItems.find((i) => i.id === items.find((j) => j.title === '额度充值到账')!.id)?.title, 'Quota recharged');

    const unreadB = await count(agentB);
    // Agent B cannot mark agent A's notifications, even by id.
    await as[agentB.username]!.postJson('/admin/api/resources/notification_recipients/actions/inbox', { ids: items.map((i) => i.id).join(',') });
    assert.equal(await count(agentA), unreadA);
    assert.equal(await count(agentB), unreadB);

    const one = await as[agentA.username]!.postJson('/admin/api/resources/notification_recipients/actions/inbox', { ids: String(items[0]!.id) });
    assert.equal(one.body.unread, unreadA - 1);
    const all = await as[agentA.username]!.postJson('/admin/api/resources/notification_recipients/actions/inbox', { all: '1' });
    assert.equal(all.body.unread, 0);
    assert.equal(await count(agentA), 0);
  });
});

