import type { ActionContext, ActionRequest } from 'adminjs';
import { listNotifications, markRead, unreadCount } from '../../server/services/notifications/index.js';
import { Components } from '../componentLoader.js';
import { adminLang, sessionActor, type DomainAction } from '../resources/define.js';

/**
 * Every admin's own notifications: 我的通知 (inbox with read marks) and the unread count the top
 * bar shows. Both always use the session's own user id — whatever the role, nobody reads or marks
 * someone else's notifications here.
 */

const ids = (raw: unknown): number[] | undefined =>
  typeof raw === 'string' && raw !== '' ? raw.split(',').map(Number).filter(Number.isSafeInteger) : undefined;

export const notificationRecipientActions: Record<string, DomainAction> = {
  inbox: {
    actionType: 'resource',
    icon: 'Bell',
    component: Components.NotificationInbox,
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      const actor = sessionActor(context);
      if (request.method === 'post') {
        const payload = (request.payload ?? {}) as Record<string, unknown>;
        await markRead(actor.id, payload.all === '1' ? undefined : (ids(payload.ids) ?? []));
      }
      const page = Number((request.query as Record<string, unknown> | undefined)?.page) || 1;
      const { items, total } = await listNotifications(actor.id, { page, pageSize: 20, lang: adminLang([request, context]) });
      return { items, total, page, unread: await unreadCount(actor.id) };
    },
  },
  unreadCount: {
    actionType: 'resource',
    component: false,
    isVisible: false,
    handler: async (_request: ActionRequest, _response: unknown, context: ActionContext) => ({ count: await unreadCount(sessionActor(context).id) }),
  },
};
