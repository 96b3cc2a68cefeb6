import { Op, QueryTypes } from 'sequelize';
import type { Lang } from '../../i18n.js';
import { Notification, NotificationRecipient } from '../../models/index.js';

export interface NotificationItem {
  id: number;
  notificationId: number;
  event: string | null;
  kind: string;
  title: string;
  body: string;
  readAt: Date | null;
  createdAt: Date;
  /** The record a business notification is about, or an announcement's type. */
  linkResource: string | null;
  linkRecordId: string | null;
  announcementType: string | null;
}

/** How many of `userId`'s notifications are unread (the admin top bar badge). */
export async function unreadCount(userId: number): Promise<number> {
  return NotificationRecipient.count({ where: { userId, readAt: null } });
}

/** Marks the given notifications (recipient-row ids), or all when omitted, as read — only `userId`'s own. */
export async function markRead(userId: number, recipientIds?: number[]): Promise<number> {
  const where: Record<string | symbol, unknown> = { userId, readAt: null };
  if (recipientIds) {
    const ids = recipientIds.filter((id) => Number.isSafeInteger(id));
    if (ids.length === 0) return 0;
    where.id = { [Op.in]: ids };
  }
  const [count] = await NotificationRecipient.update({ readAt: new Date() }, { where });
  return count;
}

/** `userId`'s own notifications, newest first, in `lang` where the system wrote them in both languages. */
export async function listNotifications(
  userId: number,
  options: { page?: number; pageSize?: number; unreadOnly?: boolean; lang?: Lang } = {},
): Promise<{ items: NotificationItem[]; total: number }> {
  const pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? 20), 1), 100);
  const page = Math.max(Math.trunc(options.page ?? 1), 1);
  const unread = options.unreadOnly ? 'AND r.read_at IS NULL' : '';
  const english = options.lang === 'en';
  const text = (column: string) => (english ? `COALESCE(n.${column}_en, n.${column})` : `n.${column}`);
  const s = Notification.sequelize!;
  const items = await s.query<NotificationItem>(
    `SELECT r.id, r.notification_id AS "notificationId", n.event, n.kind, ${text('title')} AS title, ${text('body')} AS body,
            n.link_resource AS "linkResource", n.link_record_id AS "linkRecordId", n.announcement_type AS "announcementType",
            r.read_at AS "readAt", r.created_at AS "createdAt"
       FROM notification_recipients r JOIN notifications n ON n.id = r.notification_id
      WHERE r.user_id = :userId ${unread}
      ORDER BY r.created_at DESC, r.id DESC
      LIMIT :limit OFFSET :offset`,
    { replacements: { userId, limit: pageSize, offset: (page - 1) * pageSize }, type: QueryTypes.SELECT },
  );
  const total = await NotificationRecipient.count({ where: options.unreadOnly ? { userId, readAt: null } : { userId } });
  return { items, total };
}
