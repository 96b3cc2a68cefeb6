import { QueryTypes, type Transaction } from 'sequelize';
import { z } from 'zod';
import { config } from '../../config.js';
import { inTransaction } from '../../db/index.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { logger } from '../../logger.js';
import { Notification } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { authorize } from '../../policies/index.js';
import { defineJob } from '../../queues/defineJob.js';
import { recordOperation } from '../audit/operationLog.js';
import { sendEmail } from '../email/sendEmail.js';
import { simpleEmail } from '../email/templates.js';
import { ROLES } from '../identity/createAdminUser.js';

/**
 * Announcements (通知管理): the super admin writes a 系统公告 / 功能更新 / 维护通知 for all
 * users, one role, or chosen users, to send now or at a time, in-site and (when asked) by email.
 *
 * Sending is the worker's job (`notifications.send-announcements`): it claims an announcement by
 * setting `sent_at` in the same transaction that writes its recipients and queues its emails, so
 * an announcement is delivered exactly once however many workers run the job at the same time.
 */
export const ANNOUNCEMENT_TYPES = ['system', 'feature', 'maintenance'] as const;
export type AnnouncementType = (typeof ANNOUNCEMENT_TYPES)[number];
export const ANNOUNCEMENT_TYPE_LABELS: Record<AnnouncementType, string> = { system: '系统公告', feature: '功能更新', maintenance: '维护通知' };
const AUDIENCES = ['all', 'role', 'users'] as const;

const flag = z.union([z.boolean(), z.enum(['true', 'false', '']).transform((v) => v === 'true')]);
const optionalDate = z.union([z.date(), z.string().trim()]).nullish().transform((v, ctx) => {
  if (v == null || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'scheduledAt' });
    return z.NEVER;
  }
  return d;
});

/** The one schema of an announcement, used by the admin form (create and edit) and by any other caller. */
export const announcementSchema = z.object({
  announcementType: z.enum(ANNOUNCEMENT_TYPES),
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(10_000),
  audience: z.enum(AUDIENCES),
  audienceRole: z.union([z.enum(ROLES), z.literal('')]).nullish().transform((v) => v || null),
  // A form sends the picker's values as an array; an emptied slot arrives as ''.
  audienceUserIds: z
    .preprocess((v) => (Array.isArray(v) ? v.filter((x) => x !== '' && x != null) : v === '' ? [] : v), z.array(z.coerce.number().int().positive()).max(5000).nullish())
    .transform((v) => [...new Set(v ?? [])]),
  sendEmail: flag.default(false),
  scheduledAt: optionalDate,
});
export type AnnouncementInput = z.output<typeof announcementSchema>;

const FIELD_MESSAGES: Record<string, [string, string]> = {
  announcementType: ['请选择通知类型（系统公告、功能更新或维护通知）', 'Choose the type (system announcement, feature update or maintenance notice)'],
  title: ['请填写标题（最多 200 个字符）', 'Enter a title (at most 200 characters)'],
  body: ['请填写通知内容（最多 10000 个字符）', 'Enter the text (at most 10,000 characters)'],
  audience: ['请选择接收对象：全部用户、指定角色或指定用户', 'Choose the audience: all users, a role, or chosen users'],
  audienceRole: ['角色无效', 'Unknown role'],
  audienceUserIds: ['指定用户无效', 'Invalid chosen users'],
  sendEmail: ['“同时发送邮件”的值无效', 'Invalid value for "also send by email"'],
  scheduledAt: ['定时发送时间格式不正确', 'The scheduled time is not a valid date and time'],
};

/** Parses an announcement (the admin form's flattened payload is unflattened by the caller); 400 in both languages. */
export function parseAnnouncement(raw: unknown, now: Date): AnnouncementInput {
  const parsed = announcementSchema.safeParse(raw);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]!.path[0] ?? '');
    const [zh, en] = FIELD_MESSAGES[field] ?? ['通知内容无效', 'Invalid announcement'];
    throw badRequest(say(zh, en), 'INVALID_ANNOUNCEMENT', 1001, { field });
  }
  const input = parsed.data;
  if (input.audience === 'role' && !input.audienceRole) {
    throw badRequest(say('接收对象为指定角色时，请选择角色', 'Choose the role that receives it'), 'INVALID_ANNOUNCEMENT', 1001, { field: 'audienceRole' });
  }
  if (input.audience === 'users' && input.audienceUserIds.length === 0) {
    throw badRequest(say('接收对象为指定用户时，请至少选择一个用户', 'Choose at least one user to receive it'), 'INVALID_ANNOUNCEMENT', 1001, { field: 'audienceUserIds' });
  }
  if (input.audience !== 'role') input.audienceRole = null;
  if (input.audience !== 'users') input.audienceUserIds = [];
  if (input.scheduledAt && input.scheduledAt.getTime() <= now.getTime()) {
    throw badRequest(say('定时发送时间必须晚于当前时间（立即发送请留空）', 'The scheduled time must be in the future (leave it empty to send now)'), 'INVALID_ANNOUNCEMENT', 1001, {
      field: 'scheduledAt',
    });
  }
  return input;
}

export interface AnnouncementCommand {
  actor: Actor;
  input: unknown;
  ip?: string | null;
  /** The clock (tests inject it; a scheduled time must lie after it). */
  now?: Date;
}


async function assertUsersExist(ids: number[], t: Transaction): Promise<void> {
  if (ids.length === 0) return;
  const [row] = await Notification.sequelize!.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM admin_users WHERE id IN (:ids)', {
    replacements: { ids },
    type: QueryTypes.SELECT,
    transaction: t,
  });
  if (row!.n !== ids.length) throw badRequest(say('所选用户中有不存在的用户', 'Some of the chosen users do not exist'), 'INVALID_ANNOUNCEMENT', 1001, { field: 'audienceUserIds' });
}

const columns = (input: AnnouncementInput) => ({
  announcementType: input.announcementType,
  title: input.title,
  body: input.body,
  audience: input.audience,
  audienceRole: input.audienceRole,
  audienceUserIds: input.audience === 'users' ? input.audienceUserIds : null,
  sendEmail: input.sendEmail,
  scheduledAt: input.scheduledAt,
});

/** Queues the sender for an announcement due now (after commit); the schedule picks up anything a failed enqueue missed. */
function sendAfterCommit(id: number, t: Transaction): void {
  t.afterCommit(() =>
    sendAnnouncementsJob.enqueue({ id }).then(
      () => undefined,
      (err: unknown) => logger().error({ err, notificationId: id }, 'could not queue the announcement; the schedule will send it'),
    ),
  );
}

/** 发布通知: creates the announcement; without a time it is queued for sending at once. */
export async function createAnnouncement(command: AnnouncementCommand): Promise<Notification> {
  authorize(command.actor, 'publish', 'notifications');
  const input = parseAnnouncement(command.input, command.now ?? new Date());
  return inTransaction(async (t) => {
    await assertUsersExist(input.audienceUserIds, t);
    const row = await Notification.create({ kind: 'system', event: 'announcement', createdBy: command.actor.id, ...columns(input) }, { transaction: t });
    await recordOperation({ actor: command.actor, action: 'create', resource: 'notifications', recordId: row.id, after: columns(input), ip: command.ip }, t);
    if (!input.scheduledAt) sendAfterCommit(row.id, t);
    return row;
  });
}

/** Edits an announcement that has not been sent yet (a sent one is history: refused). */
export async function updateAnnouncement(command: AnnouncementCommand & { id: number }): Promise<Notification> {
  authorize(command.actor, 'publish', 'notifications');
  const input = parseAnnouncement(command.input, command.now ?? new Date());
  return inTransaction(async (t) => {
    const row = await Notification.findByPk(command.id, { transaction: t, lock: t.LOCK.UPDATE });
    if (!row || row.kind !== 'system') throw notFound(say('通知不存在', 'Announcement not found'));
    if (row.sentAt) throw conflict(say('该通知已发送，不能再修改', 'This announcement has been sent and can no longer be changed'), 'ANNOUNCEMENT_SENT');
    await assertUsersExist(input.audienceUserIds, t);
    const before = columns({ ...row.get(), audienceUserIds: row.audienceUserIds ?? [] } as AnnouncementInput);
    await row.update({ ...columns(input), event: 'announcement' }, { transaction: t });
    await recordOperation({ actor: command.actor, action: 'update', resource: 'notifications', recordId: row.id, before, after: columns(input), ip: command.ip }, t);
    if (!input.scheduledAt) sendAfterCommit(row.id, t);
    return row;
  });
}

/** The audience of an announcement as SQL over `admin_users u` (active accounts only). */
function audienceSql(row: Notification): { sql: string; replacements: Record<string, unknown> } {
  if (row.audience === 'role') return { sql: 'u.role = :role', replacements: { role: row.audienceRole } };
  if (row.audience === 'users') return { sql: 'u.id = ANY(ARRAY[:ids]::int[])', replacements: { ids: row.audienceUserIds?.length ? row.audienceUserIds : [0] } };
  return { sql: 'TRUE', replacements: {} };
}

function announcementEmail(row: Notification) {
  const type = ANNOUNCEMENT_TYPE_LABELS[row.announcementType as AnnouncementType] ?? '通知';
  return simpleEmail('announcement', `【${type}】${row.title}`, [row.body, `在后台“我的通知”中查看：${config().PUBLIC_URL}/admin/resources/notification_recipients/actions/inbox`]);
}

/** Claims the next due, unsent announcement (this one only, when `id` is given): sets `sent_at` so no other run takes it. */
async function claimDue(now: Date, id: number | undefined, t: Transaction): Promise<Notification | null> {
  const rows = await Notification.sequelize!.query<{ id: number }>(
    `UPDATE notifications SET sent_at = :now, updated_at = now()
      WHERE id = (SELECT id FROM notifications
                   WHERE kind = 'system' AND event = 'announcement' AND sent_at IS NULL AND (scheduled_at IS NULL OR scheduled_at <= :now)
                     ${id === undefined ? '' : 'AND id = :id'}
                   ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
        AND sent_at IS NULL
      RETURNING id`,
    { replacements: { now, id: id ?? null }, type: QueryTypes.SELECT, transaction: t },
  );
  return rows[0] ? Notification.findByPk(rows[0].id, { transaction: t }) : null;
}

export interface SentAnnouncement {
  id: number;
  recipients: number;
  emails: number;
}

/**
 * Sends every announcement due at `now` (or only `id`): recipients written, emails queued, `sent_at`
 * set — one transaction per announcement. Concurrent runs share the work (SKIP LOCKED) and never
 * send one twice; the recipients' unique (notification, user) pair is a second guard.
 */
export async function sendDueAnnouncements(options: { now?: Date; id?: number } = {}): Promise<SentAnnouncement[]> {
  const now = options.now ?? new Date();
  const sent: SentAnnouncement[] = [];
  for (;;) {
    const one = await inTransaction(async (t) => {
      const row = await claimDue(now, options.id, t);
      if (!row) return null;
      const audience = audienceSql(row);
      const recipients = await Notification.sequelize!.query<{ user_id: number; email: string | null }>(
        `INSERT INTO notification_recipients (notification_id, user_id, emailed_at, created_at)
         SELECT :notificationId, u.id, CASE WHEN :email AND u.email IS NOT NULL THEN now() END, now()
           FROM admin_users u
          WHERE u.status = 'active' AND ${audience.sql}
         ON CONFLICT (notification_id, user_id) DO NOTHING
         RETURNING user_id, (SELECT email FROM admin_users WHERE id = user_id) AS email`,
        { replacements: { notificationId: row.id, email: row.sendEmail, ...audience.replacements }, type: QueryTypes.SELECT, transaction: t },
      );
      let emails = 0;
      if (row.sendEmail) {
        const mail = announcementEmail(row);
        for (const r of recipients) {
          if (!r.email) continue;
          await sendEmail({ to: r.email, userId: r.user_id, template: mail.template, subject: mail.subject, text: mail.text, html: mail.html }, t);
          emails++;
        }
      }
      return { id: row.id, recipients: recipients.length, emails };
    });
    if (!one) return sent;
    sent.push(one);
    if (options.id !== undefined) return sent;
  }
}

export const sendAnnouncementsJob = defineJob({
  name: 'notifications.send-announcements',
  queue: 'notifications',
  description: 'Send announcements that are due (all of them, or data {"id": n} for one): in-site, and by email when asked',
  data: z.object({ id: z.number().int().positive().optional() }),
  schedule: { every: 15_000 },
  run: async ({ id }) => ({ sent: await sendDueAnnouncements({ id }) }),
});

export interface AnnouncementStats {
  received: number;
  read: number;
  emailed: number;
}

/** How many received, read and were emailed each of the given notifications (the super admin's figures). */
export async function announcementStats(ids: number[]): Promise<Map<number, AnnouncementStats>> {
  const stats = new Map<number, AnnouncementStats>();
  const valid = ids.filter((id) => Number.isSafeInteger(id));
  if (valid.length === 0) return stats;
  const rows = await Notification.sequelize!.query<{ id: string; received: number; read: number; emailed: number }>(
    `SELECT notification_id AS id, COUNT(*)::int AS received, COUNT(read_at)::int AS read, COUNT(emailed_at)::int AS emailed
       FROM notification_recipients WHERE notification_id IN (:ids) GROUP BY notification_id`,
    { replacements: { ids: valid }, type: QueryTypes.SELECT },
  );
  for (const id of valid) stats.set(id, { received: 0, read: 0, emailed: 0 });
  for (const r of rows) stats.set(Number(r.id), { received: r.received, read: r.read, emailed: r.emailed });
  return stats;
}
