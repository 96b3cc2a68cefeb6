import { Notification } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `notifications`. */
export const notificationsResource = () =>
  defineResource(Notification, {
    navigation: 'content',
    list: ['id', 'kind', 'title', 'audience', 'scheduledAt', 'sentAt', 'createdAt'],
    edit: ['kind', 'event', 'title', 'body', 'audience', 'audienceRole', 'sendEmail', 'scheduledAt'],
    filter: ['kind', 'title', 'audience', 'createdAt'],
    textarea: ['body'],
    enums: { kind: ['system', 'business'], audience: ['all', 'role', 'users'], audienceRole: ['super_admin', 'agent_admin', 'agent'] },
    stampActor: ['createdBy'],
    actions: {},
  });
