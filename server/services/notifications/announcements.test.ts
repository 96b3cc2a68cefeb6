import assert from 'node:assert/strict';
import { Op, QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { isAppError } from '../../errors.js';
import { EmailMessage, Notification, NotificationRecipient, OperationLog } from '../../models/index.js';
import { makeUser, type TestUser } from '../../../test/support/quota.js';
import { announcementStats, createAnnouncement, markRead, sendDueAnnouncements, updateAnnouncement } from './index.js';

const recipientsOf = (id: number) =>
  db().query<{ user_id: number }>('SELECT user_id FROM notification_recipients WHERE notification_id = :id ORDER BY user_id', {
    replacements: { id },
    type: QueryTypes.SELECT,
  });

describe('announcements', () => {
  let root: TestUser;
  let admin: TestUser;
  let agent: TestUser;
  let agentNoMail: TestUser;
  const T0 = new Date('2030-01-01T08:00:00Z');
  const base = { announcementType: 'maintenance', title: '系统维护', body: '今晚 23:00 维护一小时', audience: 'all' };

  before(async () => {
    root = await makeUser('an_root', 'super_admin');
    admin = await makeUser('an_admin', 'agent_admin');
    agent = await makeUser('an_agent', 'agent', admin.id);
    agentNoMail = await makeUser('an_nomail', 'agent', admin.id, false);
  });

  it('refuses bad input and non-super-admins in both languages, writing nothing', async () => {
    const before = await Notification.count();
    const cases: Array<[unknown, RegExp]> = [
      [{ ...base, announcementType: 'party' }, /type/],
      [{ ...base, title: ' ' }, /title/],
      [{ ...base, audience: 'role' }, /role/],
      [{ ...base, audience: 'users', audienceUserIds: [] }, /at least one user/],
      [{ ...base, audience: 'users', audienceUserIds: [2_000_000_000] }, /do not exist/],
      [{ ...base, scheduledAt: 'tomorrow-ish' }, /valid date/],
      [{ ...base, scheduledAt: new Date(T0.getTime() - 1000).toISOString() }, /future/],
    ];
    for (const [input, en] of cases) {
      const err = await createAnnouncement({ actor: root, input, now: T0 }).catch((e: unknown) => e);
      assert.ok(isAppError(err) && err.status === 400, `refused: ${JSON.stringify(input)}`);
      assert.match(err.messageIn('en'), en);
      assert.match(err.messageIn('zh-CN'), /[\u4e00-\u9fff]/);
    }
    for (const actor of [admin, agent]) {
      const err = await createAnnouncement({ actor, input: base, now: T0 }).catch((e: unknown) => e);
      assert.ok(isAppError(err) && err.status === 403);
    }
    assert.equal(await Notification.count(), before);
  });

  it('a scheduled announcement is not sent before its time, then exactly once even when several senders run at once', async () => {
    const scheduledAt = new Date(T0.getTime() + 3600_000);
    const row = await createAnnouncement({
      actor: root,
      input: { ...base, audience: 'role', audienceRole: 'agent', sendEmail: 'true', scheduledAt: scheduledAt.toISOString() },
      now: T0,
    });
    assert.equal(row.sentAt, null);
    assert.ok(await OperationLog.findOne({ where: { resource: 'notifications', recordId: String(row.id), action: 'create' } }));

    assert.deepEqual(await sendDueAnnouncements({ now: new Date(scheduledAt.getTime() - 1), id: row.id }), []);
    assert.equal((await recipientsOf(row.id)).length, 0, 'nothing before its time');

    const lastMailId = (await EmailMessage.max<string | number | null, EmailMessage>('id')) ?? 0;
    const runs = await Promise.all(Array.from({ length: 6 }, () => sendDueAnnouncements({ now: scheduledAt, id: row.id })));
    const sent = runs.flat().filter((s) => s.id === row.id);
    assert.equal(sent.length, 1, 'one run sent it');
    const recipients = (await recipientsOf(row.id)).map((r) => r.user_id);
    assert.ok(recipients.includes(agent.id) && recipients.includes(agentNoMail.id));
    assert.ok(!recipients.includes(admin.id) && !recipients.includes(root.id), 'only the chosen role');
    assert.equal(new Set(recipients).size, recipients.length);
    assert.equal(sent[0]!.recipients, recipients.length);
    // The role reaches every agent in the database, including other test files' users: the expected
    // emails are the recipients who had an address when it was sent — each gets exactly one.
    const withAddress = (
      await db().query<{ id: number }>('SELECT id FROM admin_users WHERE id IN (:ids) AND email IS NOT NULL ORDER BY id', {
        replacements: { ids: recipients },
        type: QueryTypes.SELECT,
      })
    ).map((r) => Number(r.id));
    assert.ok(withAddress.includes(agent.id) && !withAddress.includes(agentNoMail.id));
    assert.equal(sent[0]!.emails, withAddress.length);
    const mails = await EmailMessage.findAll({ where: { template: 'announcement', userId: recipients, id: { [Op.gt]: lastMailId } } });
    assert.equal(mails.length, withAddress.length, 'one email per recipient with an address, no more');
    assert.deepEqual([...new Set(mails.map((m) => Number(m.userId)))].sort((a, b) => a - b), withAddress, 'exactly once each');
    assert.equal(mails.filter((m) => m.userId === agent.id).length, 1, 'one email to the agent with an address');
    assert.equal(mails.filter((m) => m.userId === agentNoMail.id).length, 0);
    assert.match(mails.find((m) => m.userId === agent.id)!.subject, /维护通知.*系统维护/);

    // Sent: a later run leaves it alone, and it can no longer be edited.
    assert.deepEqual(await sendDueAnnouncements({ now: new Date(scheduledAt.getTime() + 60_000), id: row.id }), []);
    const err = await updateAnnouncement({ actor: root, id: row.id, input: base, now: T0 }).catch((e: unknown) => e);
    assert.ok(isAppError(err) && err.status === 409);

    // Read marks feed the super admin's figures.
    const mine = await NotificationRecipient.findOne({ where: { notificationId: row.id, userId: agent.id } });
    await markRead(agent.id, [mine!.id]);
    assert.deepEqual(await announcementStats([row.id]).then((m) => m.get(row.id)), { received: recipients.length, read: 1, emailed: withAddress.length });
  });

  it('chosen users get it and nobody else; an unsent one can still be edited', async () => {
    const row = await createAnnouncement({
      actor: root,
      input: { ...base, audience: 'users', audienceUserIds: [String(admin.id)], scheduledAt: new Date(T0.getTime() + 60_000).toISOString() },
      now: T0,
    });
    await updateAnnouncement({ actor: root, id: row.id, input: { ...base, title: '改期', audience: 'users', audienceUserIds: [admin.id, agent.id], scheduledAt: new Date(T0.getTime() + 120_000) }, now: T0 });
    await sendDueAnnouncements({ now: new Date(T0.getTime() + 120_000), id: row.id });
    assert.deepEqual((await recipientsOf(row.id)).map((r) => r.user_id), [admin.id, agent.id].sort((a, b) => a - b));
    assert.equal((await Notification.findByPk(row.id))!.title, '改期');
  });
});
