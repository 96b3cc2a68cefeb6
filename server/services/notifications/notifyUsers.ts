import { Op, type Transaction } from 'sequelize';
import { config } from '../../config.js';
import { inTransaction } from '../../db/index.js';
import { AdminUser, Notification, NotificationRecipient } from '../../models/index.js';
import { getSettingIn } from '../systemConfig/systemConfig.js';
import { sendEmail } from '../email/sendEmail.js';
import { asLang, inLang, say, type Localized } from '../../i18n.js';

export interface NotifyUsersInput {
  userIds: number[];
  /** Written by the system: both languages (`say(zh, en)`), so each reader gets theirs. A plain string is the same for everyone. */
  title: string | Localized;
  body: string | Localized;
  /** What happened, e.g. `quota.transfer_received`; lets the UI and later filters group notifications. */
  event: string;
  /** Also email the recipients who have an address (only when `notification.email_enabled`). Default true. */
  sendEmail?: boolean;
  kind?: 'business' | 'system';
  /** The record this notification is about: an admin resource id and its primary key; the inbox and the email link to it. */
  link?: NotificationLink;
  createdBy?: number | null;
}

export interface NotificationLink {
  resource: string;
  id: number | string;
}

const DETAILS = say('查看详情：', 'Details: ');

/** Where the admin shows a linked record. */
export const recordUrl = (link: NotificationLink): string =>
  `${config().PUBLIC_URL}/admin/resources/${encodeURIComponent(link.resource)}/records/${encodeURIComponent(String(link.id))}/show`;

export interface NotifyUsersResult {
  notificationId: number | null;
  recipients: number;
  emails: number;
}

/**
 * One in-site notification for the given admin users, plus one queued email per recipient with an
 * address (through the email outbox). Written in the caller's transaction so a notification exists
 * exactly when the business change it reports does; email jobs are enqueued only after it commits.
 */
export async function notifyUsers(input: NotifyUsersInput, transaction?: Transaction): Promise<NotifyUsersResult> {
  const userIds = [...new Set(input.userIds.filter((id) => Number.isSafeInteger(id)))];
  if (userIds.length === 0) return { notificationId: null, recipients: 0, emails: 0 };
  const work = async (t: Transaction): Promise<NotifyUsersResult> => {
    const emailOn = input.sendEmail !== false && (await getSettingIn('notification.email_enabled', t));
    const notification = await Notification.create(
      {
        kind: input.kind ?? 'business',
        event: input.event,
        title: inLang(input.title, 'zh-CN'),
        body: inLang(input.body, 'zh-CN'),
        titleEn: typeof input.title === 'string' ? null : input.title.en,
        bodyEn: typeof input.body === 'string' ? null : input.body.en,
        audience: 'users',
        sendEmail: emailOn,
        sentAt: new Date(),
        createdBy: input.createdBy ?? null,
        linkResource: input.link?.resource ?? null,
        linkRecordId: input.link ? String(input.link.id) : null,
      },
      { transaction: t },
    );
    await NotificationRecipient.bulkCreate(
      userIds.map((userId) => ({ notificationId: notification.id, userId })),
      { transaction: t },
    );
    let emails = 0;
    if (emailOn) {
      const users = await AdminUser.findAll({
        attributes: ['id', 'email', 'locale'],
        where: { id: { [Op.in]: userIds }, email: { [Op.ne]: null } },
        transaction: t,
      });
      for (const user of users) {
        // Each recipient reads the email in the language they chose for the admin.
        const lang = asLang(user.locale);
        const body = inLang(input.body, lang);
        const text = input.link ? `${body}\n\n${inLang(DETAILS, lang)}${recordUrl(input.link)}` : body;
        await sendEmail({ to: user.email!, userId: user.id, template: input.event, subject: inLang(input.title, lang), text }, t);
        emails++;
      }
    }
    return { notificationId: notification.id, recipients: userIds.length, emails };
  };
  return transaction ? work(transaction) : inTransaction(work);
}
