import { ValidationError, type ActionContext, type ActionRequest, type ActionResponse, type RecordJSON } from 'adminjs';
import { actorFromSession } from '../../server/policies/access.js';
import type { Actor } from '../../server/policies/actor.js';
import { inLang, type Localized } from '../../server/i18n.js';
import { adminLang } from '../resources/define.js';

/**
 * What every admin domain action needs to read its request and answer: the submitted fields, the
 * record it runs on (loaded through the scoped adapter), and the success answer. Actions stay thin
 * callers of a service; these helpers are the only glue.
 */
export type Params = Record<string, unknown>;

export const payloadOf = (request: ActionRequest): Params => (request.payload ?? {}) as Params;

/** The record a record action runs on; AdminJS never runs one without it. */
export function recordOf(context: ActionContext): { id: string; params: Params; json: RecordJSON } {
  const record = context.record!;
  return { id: String(record.id()), params: record.params as Params, json: record.toJSON(context.currentAdmin) };
}

/** The numeric id of the record a record action runs on. */
export const idOf = (context: ActionContext): number => Number(context.record!.id());

export const paramsOf = (context: ActionContext): Params => (context.record?.params ?? {}) as Params;

/** A record was loaded through the scoped adapter (so the row is in the admin's scope). */
export const hasRecord = (context: ActionContext): boolean => Boolean(context.record);

/** isAccessible: the logged-in admin and the record's params satisfy `check`. */
export function when(context: ActionContext, check: (actor: Actor, params: Params) => boolean): boolean {
  const actor = actorFromSession(context.currentAdmin);
  const params = context.record?.params as Params | undefined;
  return !!actor && !!params && check(actor, params);
}

/** isAccessible: the record's status is one of `statuses`. */
export const statusIs = (context: ActionContext, ...statuses: string[]) => statuses.includes(String(paramsOf(context).status));

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
