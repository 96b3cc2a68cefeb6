import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { config } from '../../config.js';
import { badRequest } from '../../errors.js';
import { logger } from '../../logger.js';
import { EmailMessage } from '../../models/index.js';
import { defineJob } from '../../queues/defineJob.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { sendEmailJob } from './deliverEmail.js';
import { testEmail } from './templates.js';

export interface SendEmailProps {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  template?: string | null;
  userId?: number | null;
}

const address = z.string().trim().email().max(254);

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
  // A failed enqueue loses nothing: the row stays `queued` and the email.requeue schedule picks it up.
  const enqueue = () =>
    sendEmailJob.enqueue({ messageId: message.id }).then(
      () => undefined,
      (err: unknown) => logger().error({ err, messageId: message.id }, 'could not queue email; it will be requeued'),
    );
  if (t) t.afterCommit(enqueue);
  else await enqueue();
  return message;
}

export const sendTestEmailJob = defineJob({
  name: 'email.test',
  queue: 'email',
  description: 'Send a test email: data {"to": "you@example.com"}',
  data: z.object({ to: z.string().email() }),
  run: async ({ to }) => {
    const mail = testEmail(await getSetting('basic.site_name'));
    const message = await sendEmail({ to, subject: mail.subject, text: mail.text, html: mail.html, template: mail.template });
    return { messageId: message.id, smtp: config().SMTP_URL ? 'configured' : 'not configured (message stays in the outbox)' };
  },
});
