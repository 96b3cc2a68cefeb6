import { flat, type ActionContext, type ActionRequest, type ActionResponse, type RecordJSON } from 'adminjs';
import { Notification } from '../../server/models/index.js';
import { isSuperAdmin } from '../../server/policies/actor.js';
import { announcementStats, createAnnouncement, updateAnnouncement, ANNOUNCEMENT_TYPES } from '../../server/services/notifications/index.js';
import { defineResource, requestIp, sessionActor } from './define.js';

/**
 * `notifications`: 通知管理. The super admin publishes announcements (系统公告 / 功能更新 / 维护通知)
 * through the notifications service (createAnnouncement / updateAnnouncement: one schema, audit,
 * sending by the worker); the list and the record show how many received and read each one.
 * Everyone else sees the notifications addressed to them (row scope in the access policy).
 */
const STATS = ['receivedCount', 'readCount', 'emailedCount'] as const;

const formInput = (request: ActionRequest): Record<string, unknown> => flat.unflatten(request.payload ?? {}) as Record<string, unknown>;

async function withStats(records: RecordJSON[], context: ActionContext): Promise<void> {
  const actor = sessionActor(context);
  if (!isSuperAdmin(actor)) return;
  const stats = await announcementStats(records.map((r) => Number(r.id)));
  for (const r of records) {
    const s = stats.get(Number(r.id));
    Object.assign(r.params, { receivedCount: s?.received ?? 0, readCount: s?.read ?? 0, emailedCount: s?.emailed ?? 0 });
  }
}

async function recordResponse(context: ActionContext, id: number, message: string): Promise<ActionResponse> {
  const record = await context.resource.findOne(String(id), context);
  return {
    redirectUrl: context.h.resourceUrl({ resourceId: 'notifications' }),
    notice: { message, type: 'success' },
    record: record!.toJSON(context.currentAdmin),
  };
}

export const notificationsResource = () =>
  defineResource(Notification, {
    navigation: 'content',
    list: ['id', 'announcementType', 'title', 'audience', 'scheduledAt', 'sentAt', ...STATS.slice(0, 2)],
    show: [
      'id', 'kind', 'announcementType', 'event', 'title', 'body', 'audience', 'audienceRole', 'audienceUserIds', 'sendEmail',
      'scheduledAt', 'sentAt', ...STATS, 'linkResource', 'linkRecordId', 'createdBy', 'createdAt',
    ],
    edit: ['announcementType', 'title', 'body', 'audience', 'audienceRole', 'audienceUserIds', 'sendEmail', 'scheduledAt'],
    filter: ['kind', 'announcementType', 'title', 'audience', 'sentAt', 'createdAt'],
    textarea: ['body'],
    enums: {
      kind: ['system', 'business'],
      announcementType: ANNOUNCEMENT_TYPES,
      audience: ['all', 'role', 'users'],
      audienceRole: ['super_admin', 'agent_admin', 'agent'],
    },
    handlers: {
      new: async (request, _response, context) => {
        const row = await createAnnouncement({ actor: sessionActor(context), input: formInput(request), ip: requestIp(request) });
        return recordResponse(context, row.id, 'successfullyCreated');
      },
      edit: async (request, _response, context) => {
        const record = context.record!;
        if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
        const row = await updateAnnouncement({ actor: sessionActor(context), id: Number(record.id()), input: formInput(request), ip: requestIp(request) });
        return recordResponse(context, row.id, 'successfullyUpdated');
      },
    },
    after: {
      list: async (response, _request, context) => {
        await withStats((response.records ?? []) as RecordJSON[], context);
        return response;
      },
      show: async (response, _request, context) => {
        if (response.record) await withStats([response.record as RecordJSON], context);
        return response;
      },
    },
    options: {
      properties: {
        audienceUserIds: { type: 'reference', reference: 'admin_users', isArray: true },
        scheduledAt: { type: 'datetime' },
        ...Object.fromEntries(STATS.map((s) => [s, { type: 'number' as const, isSortable: false, isVisible: { list: true, show: true, edit: false, filter: false } }])),
      },
    },
  });
