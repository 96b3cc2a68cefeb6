import { EmailMessage } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `email_messages`. */
export const emailMessagesResource = () =>
  defineResource(EmailMessage, {
    navigation: 'system',
    list: ['id', 'toAddress', 'subject', 'status', 'attempts', 'createdAt', 'sentAt'],
    filter: ['toAddress', 'userId', 'template', 'status', 'createdAt'],
    textarea: ['textBody', 'htmlBody', 'lastError'],
    enums: { status: ['queued', 'sending', 'sent', 'failed', 'outbox', 'uncertain'] },
    actions: {},
  });
