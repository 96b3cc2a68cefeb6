import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { config } from '../../config.js';
import { badRequest } from '../../errors.js';
import { logger } from '../../logger.js';
import { EmailMessage } from '../../models/index.js';
import { queue } from '../../../worker/queues.js';

export const EMAIL_JOB = 'email:send';

export interface SendEmailProps {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  template?: string | null;
  userId?: number | null;
}

const address = z.string().trim().email().max(254);

/** Puts a message on the email queue; the row is the source of truth, the job only points at it. */
export async function enqueueEmailDelivery(messageId: number): Promise<void> {
  const cfg = config();
  await queue('email').add(
    EMAIL_JOB,
    { messageId },
    { attempts: cfg.EMAIL_MAX_ATTEMPTS, backoff: { type: 'exponential', delay: cfg.EMAIL_RETRY_DELAY_MS } },
  );
}

/**
 * Records an email in `email_messages` and queues its delivery. Inside a transaction the job is
 * queued only after commit, so a rolled-back operation never mails anyone and a committed one
 * always has its row. Without a worker (or without SMTP) the row stays visible in the outbox.
 */
export async function sendEmail(props: SendEmailProps, t?: Transaction): Promise<EmailMessage> {
  const to = address.safeParse(props.to);
  if (!to.success) throw badRequest('邮箱格式不正确', 'INVALID_EMAIL', 2004);
  if (!props.subject.trim() || !props.text.trim()) throw new Error('an email needs a subject and a text body');
  const message = await EmailMessage.create(
    {
      toAddress: to.data,
      userId: props.userId ?? null,
      template: props.template ?? null,
      subject: props.subject.slice(0, 300),
      textBody: props.text,
      htmlBody: props.html ?? null,
      status: 'queued',
    },
    { transaction: t },
  );
  // A failed enqueue loses nothing: the row stays `queued` and the email:requeue schedule picks it up.
  const enqueue = () =>
    enqueueEmailDelivery(message.id).catch((err: unknown) =>
      logger().error({ err, messageId: message.id }, 'could not queue email; it will be requeued'),
    );
  if (t) t.afterCommit(enqueue);
  else await enqueue();
  return message;
}
