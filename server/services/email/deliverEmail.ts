import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { config } from '../../config.js';
import { db } from '../../db/index.js';
import { withWorkLock } from '../../db/workLock.js';
import { logger } from '../../logger.js';
import { EmailMessage } from '../../models/index.js';
import { defineJob } from '../../queues/defineJob.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { smtpTransport } from './transport.js';

export type DeliveryResult = 'sent' | 'outbox' | 'already_sent' | 'in_progress' | 'missing' | 'uncertain';

export class EmailDeliveryError extends Error {
  constructor(
    public readonly messageId: number,
    public readonly attempts: number,
    cause: unknown,
  ) {
    super(`email ${messageId} attempt ${attempts} failed: ${describe(cause)}`, { cause });
    this.name = 'EmailDeliveryError';
  }
}

function describe(err: unknown): string {
  const e = err as { responseCode?: number; code?: string; message?: string };
  return [e.responseCode, e.code, e.message].filter(Boolean).join(' ').slice(0, 1000) || String(err);
}

/** What an email row says after a process died during its SMTP call. */
export const UNCERTAIN_NOTE = 'the worker stopped during the SMTP call: the message may have been sent, so it is not sent again by itself';

/** The text with every link token (`?token=…`, `&token=…`) replaced: what a sent message keeps. */
export function withoutLinkTokens(text: string): string {
  return text.replace(/([?&](?:amp;)?token=)[^\s&"'<>#]+/gi, '$1[removed]');
}

/**
 * Email bodies are kept `notification.email_body_retention_days` (setting) after they were
 * created; then a finished message (sent or failed) keeps its subject, addressee and delivery
 * record, and loses its body.
 */
export async function purgeEmailBodies(now = new Date()): Promise<number> {
  const days = await getSetting('notification.email_body_retention_days');
  const rows = await db().query<{ id: number }>(
    `UPDATE email_messages SET text_body = :removed, html_body = NULL, updated_at = now()
      WHERE status IN ('sent', 'failed') AND created_at < :before AND text_body <> :removed
      RETURNING id`,
    { replacements: { removed: BODY_REMOVED, before: new Date(now.getTime() - days * 86_400_000) }, type: QueryTypes.SELECT },
  );
  return rows.length;
}

export const BODY_REMOVED = '（正文已超过保留期限并被删除 / body removed after the retention period）';

export const purgeEmailBodiesJob = defineJob({
  name: 'email.purge-bodies',
  queue: 'email',
  description: 'Remove the bodies of finished email messages older than notification.email_body_retention_days',
  data: z.object({}),
  schedule: { every: 3_600_000 },
  run: async () => ({ purged: await purgeEmailBodies() }),
});

/**
 * One delivery attempt of a stored message (the `email.send` job). The attempt holds the message's
 * work lock (withWorkLock) and is claimed on the row — status 'sending', attempts + 1, committed —
 * BEFORE the SMTP call, then recorded (sent / queued / failed) after it. A duplicated job finds the
 * lock held and does nothing. A row found 'sending' with its lock free belongs to a process that
 * died during the call: the message may have gone out, so it becomes 'uncertain' (可能已发送) and is
 * never sent again silently. A failure is rethrown after it is recorded so Bull retries with
 * backoff; after the last attempt the row is `failed`, never deleted. Without SMTP_URL (allowed
 * outside production only) the message is parked in the outbox (发件箱).
 */
export async function deliverEmail(messageId: number, options: { finalAttempt: boolean }): Promise<DeliveryResult> {
  const log = logger().child({ component: 'email', messageId });
  let failure: EmailDeliveryError | undefined;
  const result = await withWorkLock(`email:${messageId}`, async (): Promise<DeliveryResult> => {
    const message = await EmailMessage.findByPk(messageId);
    if (!message) return 'missing';
    if (message.status === 'sent') return 'already_sent';
    if (message.status === 'uncertain') return 'uncertain';
    if (message.status === 'sending') {
      await markUncertain(message.id);
      log.warn('email left mid-send by a stopped worker: marked possibly sent');
      return 'uncertain';
    }
    const smtpUrl = config().SMTP_URL;
    if (!smtpUrl) {
      await message.update({ status: 'outbox', lastError: null });
      log.info('SMTP_URL is not set: message kept in the outbox');
      return 'outbox';
    }
    const attempts = message.attempts + 1;
    await message.update({ status: 'sending', attempts });
    try {
      const info = await smtpTransport(smtpUrl).sendMail({
        from: config().MAIL_FROM,
        to: message.toAddress,
        subject: message.subject,
        text: message.textBody,
        ...(message.htmlBody ? { html: message.htmlBody } : {}),
      });
      // Once sent, the stored copy keeps no usable link: a reset or set-password token in the
      // outbox, the database or a backup would open the account.
      await message.update({
        status: 'sent',
        lastError: null,
        messageId: info.messageId ?? null,
        sentAt: new Date(),
        textBody: withoutLinkTokens(message.textBody),
        htmlBody: message.htmlBody === null ? null : withoutLinkTokens(message.htmlBody),
      });
      log.info({ attempts, smtpMessageId: info.messageId }, 'email sent');
      return 'sent';
    } catch (err) {
      failure = new EmailDeliveryError(messageId, attempts, err);
      await message.update({ status: options.finalAttempt ? 'failed' : 'queued', lastError: describe(err) });
      log.warn({ attempts, finalAttempt: options.finalAttempt, err: describe(err) }, 'email attempt failed');
      return 'in_progress';
    }
  }, 'in_progress' as const);
  if (failure) throw failure;
  return result;
}

async function markUncertain(id: number): Promise<void> {
  await EmailMessage.update({ status: 'uncertain', lastError: UNCERTAIN_NOTE }, { where: { id, status: 'sending' } });
}

/**
 * Rows left 'sending' by a process that died during the SMTP call (their work lock is free)
 * become 'uncertain'. Part of the recovery sweep.
 */
export async function settleInterruptedEmails(): Promise<number> {
  const rows = await EmailMessage.findAll({ where: { status: 'sending' }, attributes: ['id'], limit: 1000 });
  let settled = 0;
  for (const { id } of rows) {
    const done = await withWorkLock(`email:${id}`, async () => (await markUncertain(id), true), false);
    if (done) settled++;
  }
  return settled;
}

/**
 * Puts messages back on the queue: parked outbox messages once SMTP is configured, queued messages
 * whose job was lost (Redis keeps nothing on disk) and, when asked, messages that used up their
 * attempts. The status flip is one UPDATE, so two runs never queue the same message twice.
 */
export async function requeueEmails(options: { includeFailed?: boolean; includeUncertain?: boolean; staleMinutes?: number } = {}): Promise<number> {
  if (!config().SMTP_URL) return 0;
  const rows = await db().query<{ id: number }>(
    `UPDATE email_messages SET status = 'queued', updated_at = now()
      WHERE status = 'outbox'
         OR (status = 'queued' AND updated_at < now() - make_interval(mins => :stale))
         OR (:includeFailed AND status = 'failed')
         OR (:includeUncertain AND status = 'uncertain')
      RETURNING id`,
    {
      replacements: { stale: options.staleMinutes ?? 30, includeFailed: options.includeFailed ?? false, includeUncertain: options.includeUncertain ?? false },
      type: QueryTypes.SELECT,
    },
  );
  for (const { id } of rows) await sendEmailJob.enqueue({ messageId: Number(id) });
  return rows.length;
}

/** The row is the source of truth; the job only points at it. */
export const sendEmailJob = defineJob({
  name: 'email.send',
  queue: 'email',
  description: 'Deliver one stored email message through SMTP (retried with backoff)',
  concurrency: 5,
  data: z.object({ messageId: z.coerce.number().int().positive() }),
  options: () => ({ attempts: config().EMAIL_MAX_ATTEMPTS, backoff: { type: 'exponential', delay: config().EMAIL_RETRY_DELAY_MS } }),
  run: ({ messageId }, ctx) => deliverEmail(messageId, { finalAttempt: ctx.finalAttempt }),
});

export const requeueEmailsJob = defineJob({
  name: 'email.requeue',
  queue: 'email',
  description: 'Requeue outbox messages once SMTP is configured, and lost queued ones (includeFailed: also failed ones)',
  schedule: { cron: '*/10 * * * *' },
  data: z.object({ includeFailed: z.boolean().optional(), includeUncertain: z.boolean().optional() }).default({}),
  run: async ({ includeFailed, includeUncertain }) => ({ requeued: await requeueEmails({ includeFailed, includeUncertain }) }),
});
