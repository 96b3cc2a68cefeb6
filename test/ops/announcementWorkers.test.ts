import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { QueryTypes } from 'sequelize';
import { db } from '../../server/db/index.js';
import { Notification } from '../../server/models/index.js';
import { queue } from '../../server/queues/queue.js';
import { createAnnouncement, sendAnnouncementsJob } from '../../server/services/notifications/index.js';
import { startMailbox, type TestMailbox } from '../support/identity.js';
import { makeUser, type TestUser } from '../support/quota.js';
import { collect, startEntry, until } from './child.js';

/**
 * An announcement sent now, with two real worker processes (`worker/main.ts`) taking the send job
 * from the same queue at the same time: every recipient gets it once in-site and once by email
 * (through the outbox and a real SMTP server).
 */
describe('announcements with two workers running', function () {
  this.timeout(180_000);
  let mailbox: TestMailbox;
  const workers: ChildProcess[] = [];
  let root: TestUser;
  let a: TestUser;
  let b: TestUser;

  before(async () => {
    mailbox = await startMailbox();
    root = await makeUser('aw_root', 'super_admin');
    a = await makeUser('aw_a', 'agent');
    b = await makeUser('aw_b', 'agent_admin');
    for (let i = 0; i < 2; i++) {
      const child = startEntry('worker/main.ts', [], { SMTP_URL: mailbox.url, EMAIL_RETRY_DELAY_MS: '50' });
      workers.push(child);
      const out = collect(child);
      await until(() => /Seahorse worker running/.test(out.output().stdout), `worker ${i + 1} to start`, 90_000);
    }
  });

  after(async () => {
    await Promise.all(
      workers.map((w) => new Promise<void>((resolve) => (w.exitCode !== null ? resolve() : (w.once('close', () => resolve()), w.kill('SIGTERM'))))),
    );
    await mailbox.close();
  });

  it('is delivered exactly once in-site and by email, though many send jobs race for it', async () => {
    const row = await createAnnouncement({
      actor: root,
      input: { announcementType: 'system', title: '双机发送测试', body: '只应收到一次', audience: 'users', audienceUserIds: [a.id, b.id], sendEmail: true },
    });
    // More send jobs for the same announcement and for "everything due", so both workers race for it.
    await Promise.all([...Array.from({ length: 4 }, () => sendAnnouncementsJob.enqueue({ id: row.id })), ...Array.from({ length: 4 }, () => sendAnnouncementsJob.enqueue({}))]);

    await until(async () => (await Notification.findByPk(row.id))!.sentAt, 'the announcement to be sent', 60_000);
    await until(async () => {
      const counts = await queue('notifications').getJobCounts();
      return counts.waiting === 0 && counts.active === 0; // (the schedule keeps one delayed run)
    }, 'every send job to finish', 60_000);
    await Promise.all([mailbox.next(`${a.username}@example.test`), mailbox.next(`${b.username}@example.test`)]);
    await until(async () => {
      const [r] = await db().query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM email_messages WHERE template = 'announcement' AND user_id IN (:ids) AND status <> 'sent'`,
        { replacements: { ids: [a.id, b.id] }, type: QueryTypes.SELECT },
      );
      return r!.n === 0;
    }, 'the emails to be sent', 60_000);

    const completed = await queue('notifications').getJobs(['completed']);
    assert.ok(completed.filter((j) => j.name === sendAnnouncementsJob.name).length >= 9, 'all nine send jobs ran');

    const recipients = await db().query<{ user_id: number }>('SELECT user_id FROM notification_recipients WHERE notification_id = :id ORDER BY user_id', {
      replacements: { id: row.id },
      type: QueryTypes.SELECT,
    });
    assert.deepEqual(recipients.map((r) => r.user_id), [a.id, b.id].sort((x, y) => x - y));
    const emails = await db().query<{ user_id: number }>(`SELECT user_id FROM email_messages WHERE template = 'announcement' AND user_id IN (:ids)`, {
      replacements: { ids: [a.id, b.id] },
      type: QueryTypes.SELECT,
    });
    assert.equal(emails.length, 2, 'one email each');
    const received = mailbox.mails.filter((m) => m.subject.includes('双机发送测试'));
    assert.equal(received.length, 2, 'the SMTP server got one message per recipient');
  });
});
