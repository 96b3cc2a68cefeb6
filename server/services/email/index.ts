export { sendEmail, enqueueEmailDelivery, EMAIL_JOB, type SendEmailProps } from './sendEmail.js';
export { deliverEmail, requeueEmails, EmailDeliveryError, type DeliveryResult } from './deliverEmail.js';
export * as emailTemplates from './templates.js';
