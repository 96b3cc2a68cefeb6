import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { db } from '../../server/db/index.js';
import { EmailMessage } from '../../server/models/index.js';
import { BODY_REMOVED, purgeEmailBodies } from '../../server/services/email/deliverEmail.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { linkIn, startMailDelivery } from '../support/identity.js';
import { until } from '../support/until.js';
import { Session, startAdminServer } from './support.js';

/** Issue 11 item 8: a sent reset link cannot be read back from the stored message; bodies expire. */
describe('security: stored email bodies keep no live links', function () {
  this.timeout(120_000);
  let app: Awaited<ReturnType<typeof startAdminServer>>;
  let delivery: Awaited<ReturnType<typeof startMailDelivery>>;

  before(async () => {
    db();
    app = await startAdminServer();
    delivery = await startMailDelivery();
  });
  after(async () => {
    await delivery.stop();
    await app.restore();
  });

  it('once sent, the stored reset mail has no token; the mailed link still works', async () => {
    const email = `tok_${randomBytes(3).toString('hex')}@example.com`;
    await createAdminUser({ username: `tok_${randomBytes(3).toString('hex')}`, password: 'Token-pass-1', role: 'agent_admin', email });
    assert.equal((await new Session(app.server.url).form('POST', '/auth/forgot', { email })).status, 200);
    const mail = await delivery.mailbox.next(email);
    const link = linkIn(mail, '/auth/reset');
    const token = link.searchParams.get('token')!;
    assert.ok(token.length > 20);

    const stored = await until(async () => {
      const row = await EmailMessage.findOne({ where: { toAddress: email }, order: [['id', 'DESC']] });
      return row?.status === 'sent' && row;
    }, 'the message to be marked sent');
    assert.ok(!stored.textBody.includes(token), stored.textBody);
    assert.ok(!(stored.htmlBody ?? '').includes(token));
    assert.match(stored.textBody, /token=\[removed\]/);
    assert.equal((await fetch(`${app.server.url}/auth/reset?token=${token}`)).status, 200, 'the emailed link itself is untouched');
  });

  it('bodies of finished messages are removed after the retention period (setting, default 30 days)', async () => {
    const old = await EmailMessage.create({ toAddress: 'old@example.com', subject: 'old', textBody: 'old body', status: 'sent', attempts: 1 } as never);
    const fresh = await EmailMessage.create({ toAddress: 'new@example.com', subject: 'new', textBody: 'new body', status: 'sent', attempts: 1 } as never);
    const waiting = await EmailMessage.create({ toAddress: 'wait@example.com', subject: 'wait', textBody: 'waiting body', status: 'outbox', attempts: 0 } as never);
    await db().query(`UPDATE email_messages SET created_at = now() - interval '31 days' WHERE id IN (:ids)`, { replacements: { ids: [old.id, waiting.id] } });
    assert.ok((await purgeEmailBodies()) >= 1);
    assert.equal((await EmailMessage.findByPk(old.id))!.textBody, BODY_REMOVED);
    assert.equal((await EmailMessage.findByPk(fresh.id))!.textBody, 'new body');
    assert.equal((await EmailMessage.findByPk(waiting.id))!.textBody, 'waiting body', 'an unsent message keeps its body');
  });
});
