import assert from 'node:assert/strict';
import { inTransaction } from '../../db/index.js';
import { AdminUser, EmailMessage, NotificationRecipient } from '../../models/index.js';
import { say } from '../../i18n.js';
import { queue } from '../../queues/queue.js';
import { sendEmailJob } from '../email/deliverEmail.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { makeUser, type TestUser } from '../../../test/support/quota.js';
import { listNotifications, markRead, notifyUsers, unreadCount } from './index.js';

describe('notifications', () => {
  let root: TestUser;
  let withEmail: TestUser;
  let withoutEmail: TestUser;

  before(async () => {
    root = await makeUser('n_root', 'super_admin');
    withEmail = await makeUser('n_mail', 'agent_admin');
    withoutEmail = await makeUser('n_nomail', 'agent_admin', null, false);
  });

  it('creates one in-site notification per user and queues an email for those with an address', async () => {
    const result = await notifyUsers({ userIds: [withEmail.id, withoutEmail.id, withEmail.id], event: 'test.hello', title: '你好', body: '内容' });
    assert.equal(result.recipients, 2);
    assert.equal(result.emails, 1);
    const message = await EmailMessage.findOne({ where: { userId: withEmail.id, template: 'test.hello' } });
    assert.equal(message!.toAddress, `${withEmail.username}@example.test`);
    assert.equal(message!.status, 'queued');
    const jobs = await queue('email').getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    assert.ok(jobs.some((j) => j.name === sendEmailJob.name && j.data.messageId === message!.id), 'its delivery job is queued');
    assert.equal(await unreadCount(withoutEmail.id), 1);
  });

  it('sends no email when email notifications are switched off', async () => {
    await updateSetting('notification.email_enabled', false, root);
    try {
      const result = await notifyUsers({ userIds: [withEmail.id], event: 'test.quiet', title: 't', body: 'b' });
      assert.equal(result.emails, 0);
      assert.equal(await EmailMessage.count({ where: { template: 'test.quiet' } }), 0);
    } finally {
      await updateSetting('notification.email_enabled', true, root);
    }
  });

  it('lists own notifications newest first and marks them read, never someone else\'s', async () => {
    const before = await unreadCount(withEmail.id);
    const { items, total } = await listNotifications(withEmail.id, { pageSize: 1 });
    assert.equal(items.length, 1);
    assert.equal(total, before);
    assert.equal(items[0]!.event, 'test.quiet');
    const others = await NotificationRecipient.findAll({ where: { userId: withoutEmail.id } });
    assert.equal(await markRead(withEmail.id, others.map((o) => o.id)), 0);
    assert.equal(await unreadCount(withoutEmail.id), 1);
    assert.equal(await markRead(withEmail.id, [items[0]!.id]), 1);
    assert.equal(await unreadCount(withEmail.id), before - 1);
    await markRead(withEmail.id);
    assert.equal(await unreadCount(withEmail.id), 0);
    assert.equal((await listNotifications(withEmail.id, { unreadOnly: true })).total, 0);
  });

  it('a business notification links to the record it is about, in the inbox and in the email', async () => {
    await notifyUsers({ userIds: [withEmail.id], event: 'test.linked', title: '提现申请已提交', body: '等待审核', link: { resource: 'withdrawals', id: 42 } });
    const { items } = await listNotifications(withEmail.id, { pageSize: 1 });
    assert.equal(items[0]!.event, 'test.linked');
    assert.equal(items[0]!.linkResource, 'withdrawals');
    assert.equal(items[0]!.linkRecordId, '42');
    const message = await EmailMessage.findOne({ where: { userId: withEmail.id, template: 'test.linked' } });
    assert.ok(message!.textBody.endsWith('http://localhost:3000/admin/resources/withdrawals/records/42/show'), message!.textBody);
  });

  it('a notification the system writes in both languages reaches each reader in theirs: inbox and email', async () => {
    const english = await makeUser('n_en', 'agent_admin');
    await AdminUser.update({ locale: 'en' }, { where: { id: english.id } });
    await notifyUsers({
      userIds: [withEmail.id, english.id],
      event: 'test.bilingual',
      title: say('收到转账', 'Transfer received'),
      body: say('n_x 向您转入 5.00 额度。', 'n_x transferred 5.00 quota to you.'),
      link: { resource: 'quota_transfers', id: 7 },
    });
    // The inbox follows the reader's screen language, whoever the recipient is.
    const [en] = (await listNotifications(english.id, { pageSize: 1, lang: 'en' })).items;
    assert.deepEqual([en!.title, en!.body], ['Transfer received', 'n_x transferred 5.00 quota to you.']);
    const [zh] = (await listNotifications(english.id, { pageSize: 1, lang: 'zh-CN' })).items;
    assert.deepEqual([zh!.title, zh!.body], ['收到转账', 'n_x 向您转入 5.00 额度。']);
    // The email follows the language each recipient chose for the admin.
    const toEnglish = await EmailMessage.findOne({ where: { userId: english.id, template: 'test.bilingual' } });
    assert.equal(toEnglish!.subject, 'Transfer received');
    assert.match(toEnglish!.textBody, /^n_x transferred 5\.00 quota to you\.\n\nDetails: http:\/\/localhost:3000\/admin\/resources\/quota_transfers\/records\/7\/show$/);
    const toChinese = await EmailMessage.findOne({ where: { userId: withEmail.id, template: 'test.bilingual' } });
    assert.equal(toChinese!.subject, '收到转账');
    assert.match(toChinese!.textBody, /^n_x 向您转入 5\.00 额度。\n\n查看详情：/);
  });

  it('a text written in one language (an announcement) is the same for every reader', async () => {
    await notifyUsers({ userIds: [withoutEmail.id], event: 'test.plain', title: '维护通知', body: '今晚维护' });
    const [item] = (await listNotifications(withoutEmail.id, { pageSize: 1, lang: 'en' })).items;
    assert.deepEqual([item!.title, item!.body], ['维护通知', '今晚维护']);
  });

  it('writes nothing when the surrounding transaction rolls back', async () => {
    const before = await NotificationRecipient.count({ where: { userId: withoutEmail.id } });
    await assert.rejects(
      inTransaction(async (t) => {
        await notifyUsers({ userIds: [withoutEmail.id], event: 'test.rollback', title: 't', body: 'b' }, t);
        throw new Error('business change failed');
      }),
      /business change failed/,
    );
    assert.equal(await NotificationRecipient.count({ where: { userId: withoutEmail.id } }), before);
  });
});
