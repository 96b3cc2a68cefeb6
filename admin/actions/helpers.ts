import { ValidationError, type ActionContext, type ActionRequest, type ActionResponse, type RecordJSON } from 'adminjs';
import type { Actor } from '../../server/policies/actor.js';
import { inLang, type Localized } from '../../server/i18n.js';
import { adminLang, requestIp, sessionActor, type ResourceSpec } from '../resources/define.js';

/**
 * What every admin domain action needs to read its request and answer: the submitted fields, the
 * record it runs on (loaded through the scoped adapter), and the success answer. Actions stay thin
 * callers of a service; these helpers are the only glue.
 */
export type Params = Record<string, unknown>;

export const payloadOf = (request: ActionRequest): Params => (request.payload ?? {}) as Params;

/** The numeric id of the record a record action runs on. */
export const idOf = (context: ActionContext): number => Number(context.record!.id());

export const paramsOf = (context: ActionContext): Params => (context.record?.params ?? {}) as Params;

/** A record was loaded through the scoped adapter (so the row is in the admin's scope). */
export const hasRecord = (context: ActionContext): boolean => Boolean(context.record);

/** isAccessible: the record's status is one of `statuses`. */
export const statusIs = (context: ActionContext, ...statuses: string[]) => statuses.includes(String(paramsOf(context).status));

/** A required select of a form (`{ value: label }`, in order). */
export const selectField = (name: string, label: string, options: Record<string, string>) => ({
  name,
  label,
  type: 'select' as const,
  required: true,
  options: Object.entries(options).map(([value, text]) => ({ value, label: text })),
});

/** A refusal shown on the page (not a 500), optionally on one field. */
export const refuse = (message: string, type = 'not_applicable', field?: string) =>
  new ValidationError(field ? { [field]: { message } } : {}, { message, type });

/**
 * The success answer: a notice (a message in both languages is shown in the admin's: pass the
 * request so its language cookie counts), back to `resourceId`'s list — or to `show` of the record
 * when `showRecord` is given — with the record (as now) so the page re-renders it.
 */
export function done(
  context: ActionContext,
  message: string | Localized,
  resourceId: string,
  options: { record?: RecordJSON | null; showRecord?: string; request?: ActionRequest } = {},
): ActionResponse {
  const record = options.record === undefined ? context.record?.toJSON(context.currentAdmin) : options.record;
  const text = typeof message === 'string' ? message : inLang(message, adminLang([options.request, context]));
  return {
    notice: { message: text, type: 'success' },
    redirectUrl: options.showRecord
      ? context.h.recordActionUrl({ resourceId, recordId: options.showRecord, actionName: 'show' })
      : context.h.resourceUrl({ resourceId }),
    ...(record ? { record } : {}),
  };
}

/** A message in the language of the admin being served (a plain string is the same in both). */
export const spoken = (message: string | Localized, context?: ActionContext): string => inLang(message, adminLang([context]));

/** The record as it is after the action (re-read through the scoped adapter). */
export async function reloaded(context: ActionContext, id: string): Promise<RecordJSON> {
  return ((await context.resource.findOne(id, context)) ?? context.record!).toJSON(context.currentAdmin);
}

/** Who runs a domain action's command, from where, on which record(s), with which fields. */
export interface ActionCall {
  actor: Actor;
  ip: string | null;
  payload: Params;
  /** The record's id (a record action). */
  id: string;
  /** The records' ids (a bulk action; a record action's own id). */
  ids: string[];
  request: ActionRequest;
  context: ActionContext;
}

/**
 * The handler of every confirm-then-command action, record or bulk (enable/disable, freeze/unfreeze,
 * review, off sale…): runs `command` with the session's actor, the client IP, the record id(s) and
 * the submitted fields, and answers with the message it returns — back to `resourceId`'s list with
 * the record as it was (`list`) or as it is now (`reload`), or to the record's show page (`show`).
 */
export function commandHandler(resourceId: string, command: (call: ActionCall) => Promise<string | Localized>, after: 'list' | 'reload' | 'show' = 'list') {
  return async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    // Opening a form is a GET (the resource form asks what to show first): only a POST runs the command.
    // (Record actions are also guarded in defineResource; resource actions need it here.)
    if (request.method !== 'post') return {};
    const ids = context.records ? context.records.map((r) => String(r.id())) : context.record ? [String(context.record.id())] : [];
    const call: ActionCall = { actor: sessionActor(context), ip: requestIp(request), payload: payloadOf(request), id: ids[0] ?? '', ids, request, context };
    const message = await command(call);
    if (after === 'list' || !context.record) return done(context, message, resourceId, { request });
    return done(context, message, resourceId, { request, record: await reloaded(context, call.id), showRecord: after === 'show' ? call.id : undefined });
  };
}

/** The commands behind a resource's new / edit / delete / bulk delete. */
export interface CrudCommands {
  /** The command's input, read from the form (may be async: uploads). */
  input(request: ActionRequest): unknown;
  create(actor: Actor, input: never, ip: string | null): Promise<{ id: string | number }>;
  update(actor: Actor, id: string, input: never, ip: string | null): Promise<unknown>;
  remove(actor: Actor, ids: string[], ip: string | null): Promise<unknown>;
  /** The notices (default: AdminJS's own message keys, which it translates). */
  messages?: { created: string | Localized; updated: string | Localized; deleted: string | Localized; bulkDeleted: (n: number) => string | Localized };
}

const ADMINJS_NOTICES = { created: 'successfullyCreated', updated: 'successfullyUpdated', deleted: 'successfullyDeleted', bulkDeleted: () => 'successfullyBulkDeleted' };

/** new / edit / delete / bulk delete through `c`'s commands (validated and audited there); a GET only shows the form. */
export function crudHandlers(resourceId: string, c: CrudCommands): NonNullable<ResourceSpec['handlers']> {
  const messages = c.messages ?? ADMINJS_NOTICES;
  const answer = (context: ActionContext, message: string | Localized, more: ActionResponse): ActionResponse => ({
    redirectUrl: context.h.resourceUrl({ resourceId }),
    notice: { message: spoken(message, context), type: 'success' },
    ...more,
  });
  const input = async (request: ActionRequest) => (await c.input(request)) as never;
  return {
    new: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      if (request.method !== 'post') return {};
      const row = await c.create(sessionActor(context), await input(request), requestIp(request));
      return answer(context, messages.created, { record: await reloaded(context, String(row.id)) });
    },
    edit: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
      const id = String(context.record!.id());
      await c.update(sessionActor(context), id, await input(request), requestIp(request));
      return answer(context, messages.updated, { record: await reloaded(context, id) });
    },
    delete: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
      await c.remove(sessionActor(context), [String(context.record!.id())], requestIp(request));
      return answer(context, messages.deleted, { record: context.record!.toJSON(context.currentAdmin) });
    },
    bulkDelete: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const records = (context.records ?? []).map((r) => r.toJSON(context.currentAdmin));
      if (request.method !== 'post') return { records };
      await c.remove(sessionActor(context), records.map((r) => String(r.id)), requestIp(request));
      return answer(context, messages.bulkDeleted(records.length), { records });
    },
  };
}
