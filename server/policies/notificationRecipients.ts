import { allow, definePolicy, EVERYONE } from './policy.js';

/** notification_recipients: everyone reads their own inbox (row scope `self`, access.ts). */
export const notificationRecipientPolicy = definePolicy('notification_recipients', allow(EVERYONE, ['inbox', 'unreadCount']));
