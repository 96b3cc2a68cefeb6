export { sendEmail, sendTestEmailJob, type SendEmailProps } from './sendEmail.js';
export { deliverEmail, requeueEmails, sendEmailJob, requeueEmailsJob, EmailDeliveryError, type DeliveryResult } from './deliverEmail.js';
export * as emailTemplates from './templates.js';
