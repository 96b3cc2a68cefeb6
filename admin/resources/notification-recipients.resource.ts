import { NotificationRecipient } from '../../server/models/index.js';
import { notificationRecipientActions } from '../actions/notifications.js';
import { defineResource } from './define.js';

/** `notification_recipients`. */
export const notificationRecipientsResource = () =>
  defineResource(NotificationRecipient, {
    navigation: 'content',
    list: ['id', 'notificationId', 'userId', 'readAt', 'createdAt'],
    filter: ['notificationId', 'userId', 'readAt', 'createdAt'],
    actions: { ...notificationRecipientActions },
  });
