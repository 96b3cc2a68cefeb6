import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { config, setConfig, type Config } from '../../server/config.js';
import { inTransaction } from '../../server/db/index.js';
import { EmailMessage, SystemLog } from '../../server/models/index.js';
import { requeueEmails, sendEmail, sendEmailJob } from '../../server/services/email/index.js';
import { closeSmtpTransports } from '../../server/services/email/transport.js';
import { startWorker, type RunningWorker } from '../../worker/index.js';
import { until } from './child.js';

interface Received {
  to: string[];
  body: string;
}

/** A real SMTP server on an ephemeral port; while `reject` is set it refuses every message with that reply. */
class TestSmtp {
  received: Received[] = [];
  rejected = 0;
  reject: { code: number; text: string } | null = null;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream: SMTPServerDataStream, session, callback) => {
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      stream.on('end', () => {
        if (this.reject) {
          this.rejected++;
          const err = Object.assign(new Error(this.reject.text), { responseCode: this.reject.code });
          return callback(err);
        }
        this.received.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        callback();
      });
    },
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const reload = (id: number) => EmailMessage.findByPk(id).then((m) => m!);

describe('email: outbox, SMTP delivery and retries (real Bull worker, real SMTP server)', function () {
  this.timeout(60_000);
  let original: Config;
  let smtp: TestSmtp;
  let smtpUrl: string;
  let worker: RunningWorker;

  before(async () => {
    original = config();
    smtp = new TestSmtp();
    smtpUrl = await smtp.start();
    worker = await startWorker({ only: ['email'], jobs: [sendEmailJob] });
  });

  after(async () => {
    await worker.close();
    closeSmtpTransports();
    await smtp.close();
    setConfig(original);
  });

  beforeEach(() => {
    smtp.reject = null;
    setConfig({ ...original, SMTP_URL: smtpUrl, EMAIL_MAX_ATTEMPTS: 3, EMAIL_RETRY_DELAY_MS: 20 });
  });

  it('a queued message reaches the SMTP server and its row records the delivery', async () => {
    const message = await sendEmail({ to: 'Agent@Example.com', subject: '欢迎使用 Seahorse', text: '您好，这是正文。', html: '<p>您好</p>', template: 'test' });
    assert.equal(message.status, 'queued');
    const sent = await until(async () => {
      const m = await reload(message.id);
      return m.status === 'sent' && m;
    });
    assert.equal(sent.attempts, 1);
    assert.ok(sent.messageId, 'message id recorded');
    assert.ok(sent.sentAt instanceof Date);
    assert.equal(sent.lastError, null);
    const delivered = smtp.received.find((r) => r.body.includes(sent.messageId!.replace(/[<>]/g, '')));
    assert.ok(delivered, 'the SMTP server received the message');
    assert.deepEqual(delivered.to.map((a) => a.toLowerCase()), ['agent@example.com']);
  });

  it('a failing SMTP server (451) leads to retries, not loss: attempts grow, then it is delivered when the server recovers', async () => {
    smtp.reject = { code: 451, text: 'Temporary local problem, try again' };
    setConfig({ ...config(), EMAIL_MAX_ATTEMPTS: 8, EMAIL_RETRY_DELAY_MS: 20 });
    const message = await sendEmail({ to: 'retry@example.com', subject: '重试测试', text: 'retry body' });
    const failing = await until(async () => {
      const m = await reload(message.id);
      return m.attempts >= 2 && m.status !== 'sending' && m; // an attempt is counted when it starts
    });
    assert.equal(failing.status, 'queued', 'still waiting for a retry');
    assert.match(failing.lastError ?? '', /451/);
    assert.ok(smtp.rejected >= 2);

    smtp.reject = null;
    const sent = await until(async () => {
      const m = await reload(message.id);
      return m.status === 'sent' && m;
    });
    assert.ok(sent.attempts >= 3, `attempts ${sent.attempts} include the failed ones`);
    assert.equal(sent.lastError, null);
    assert.ok(smtp.received.some((r) => r.to.includes('retry@example.com')));
  });

  it('a permanent refusal (550) uses up the attempts, keeps the row as failed with a system log, and a requeue delivers it later', async () => {
    smtp.reject = { code: 550, text: 'Mailbox unavailable' };
    const message = await sendEmail({ to: 'bounce@example.com', subject: '失败测试', text: 'body' });
    const failed = await until(async () => {
      const m = await reload(message.id);
      return m.status === 'failed' && m;
    });
    assert.equal(failed.attempts, 3);
    assert.match(failed.lastError ?? '', /550/);
    const log = await until(() => SystemLog.findOne({ where: { source: `job:${sendEmailJob.name}` }, order: [['id', 'DESC']] }));
    assert.match(log.message, /failed for good/);

    smtp.reject = null;
    assert.ok((await requeueEmails({ includeFailed: true })) >= 1);
    const sent = await until(async () => {
      const m = await reload(message.id);
      return m.status === 'sent' && m;
    });
    assert.equal(sent.attempts, 4);
  });

  it('without SMTP_URL the message stays in the outbox (发件箱), and is sent once SMTP is configured', async () => {
    setConfig({ ...config(), SMTP_URL: undefined });
    const message = await sendEmail({ to: 'outbox@example.com', subject: '发件箱', text: 'kept' });
    await until(async () => (await reload(message.id)).status === 'outbox');
    assert.equal(await requeueEmails(), 0, 'nothing to do while SMTP is unset');

    setConfig({ ...config(), SMTP_URL: smtpUrl });
    assert.ok((await requeueEmails()) >= 1);
    await until(async () => (await reload(message.id)).status === 'sent');
    assert.ok(smtp.received.some((r) => r.to.includes('outbox@example.com')));
  });

  it('inside a transaction, a rollback leaves neither a row nor a delivery', async () => {
    await assert.rejects(
      inTransaction(async (t) => {
        await sendEmail({ to: 'rollback@example.com', subject: 'x', text: 'y' }, t);
        throw new Error('business rule refused');
      }),
      /business rule refused/,
    );
    assert.equal(await EmailMessage.count({ where: { toAddress: 'rollback@example.com' } }), 0);
  });
});
