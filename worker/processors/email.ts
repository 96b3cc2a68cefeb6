import { z } from 'zod';
import { config } from '../../server/config.js';
import { EMAIL_JOB, deliverEmail, requeueEmails, sendEmail } from '../../server/services/email/index.js';
import { testEmail } from '../../server/services/email/templates.js';
import { getSetting } from '../../server/services/systemConfig/systemConfig.js';
import { defineJob } from '../registry.js';

export const emailJobs = [
  defineJob({
    name: EMAIL_JOB,
    queue: 'email',
    description: 'Deliver one stored email message through SMTP (retried with backoff)',
    concurrency: 5,
    data: z.object({ messageId: z.coerce.number().int().positive() }),
    run: ({ messageId }, ctx) => deliverEmail(messageId, { finalAttempt: ctx.finalAttempt }),
  }),
  defineJob({
    name: 'email:requeue',
    queue: 'email',
    description: 'Requeue outbox messages once SMTP is configured, and lost queued ones (includeFailed: also failed ones)',
    schedule: { cron: '*/10 * * * *' },
    data: z.object({ includeFailed: z.boolean().optional() }).default({}),
    run: async ({ includeFailed }) => ({ requeued: await requeueEmails({ includeFailed }) }),
  }),
  defineJob({
    name: 'email:test',
    queue: 'email',
    description: 'Send a test email: data {"to": "you@example.com"}',
    data: z.object({ to: z.string().email() }),
    run: async ({ to }) => {
      const mail = testEmail(await getSetting('basic.site_name'));
      const message = await sendEmail({ to, subject: mail.subject, text: mail.text, html: mail.html, template: mail.template });
      return { messageId: message.id, smtp: config().SMTP_URL ? 'configured' : 'not configured (message stays in the outbox)' };
    },
  }),
];
