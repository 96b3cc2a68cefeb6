import type { ActionContext, ActionRequest, ActionResponse, After, Before } from 'adminjs';
import { actorFromSession, SECRET_FIELDS } from '../../server/policies/access.js';
import { recordOperation } from '../../server/services/audit/operationLog.js';

/**
 * Audit as a feature: every built-in new / edit / delete / bulkDelete that the admin runs through
 * AdminJS's own handler writes an operation_logs row with the record before and after (only the
 * fields that changed on edit; secrets never). `defineResource` applies it to every resource; an
 * action replaced by a command (`handlers`) is audited by that command instead.
 */
type Params = Record<string, unknown>;
type Audited = ActionContext & { auditBefore?: Params[] };

const SECRETS = new Set<string>(SECRET_FIELDS);
const visible = (params: Params | undefined): Params =>
  Object.fromEntries(Object.entries(params ?? {}).filter(([k]) => !SECRETS.has(k.split('.')[0]!) && !k.startsWith('password')));

const changed = (before: Params, after: Params): [Params, Params] => {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return [Object.fromEntries(keys.map((k) => [k, before[k] ?? null])), Object.fromEntries(keys.map((k) => [k, after[k] ?? null]))];
};

/** Remembers the rows as they are before the change (edit, delete, bulkDelete). */
export const snapshotBefore: Before = async (request: ActionRequest, context: ActionContext) => {
  if (request.method !== 'post') return request;
  const records = context.records ?? (context.record ? [context.record] : []);
  (context as Audited).auditBefore = records.map((r) => visible(r.params as Params));
  return request;
};

export function auditAfter(
  resourceId: string,
  action: 'new' | 'edit' | 'delete' | 'bulkDelete',
  options: { ownerColumn?: string; ipOf: (request: ActionRequest) => string | null },
): After<ActionResponse> {
  const { ownerColumn, ipOf } = options;
  return async (response: ActionResponse, request: ActionRequest, context: ActionContext) => {
    if (request.method !== 'post') return response;
    const record = response.record as { id?: string; params?: Params; errors?: Record<string, unknown>; baseError?: { message?: string } | null } | undefined;
    if (record?.errors && Object.keys(record.errors).length) return response;
    // AdminJS judges a save by its field errors only: a refusal of the whole record (the adapter's
    // baseError: a database rule, malformed text) would be answered "created" — and audited.
    if (record?.baseError?.message) return { ...response, redirectUrl: undefined, notice: { message: record.baseError.message, type: 'error' } };
    if ((response.notice as { type?: string } | undefined)?.type === 'error') return response;
    const actor = actorFromSession(context.currentAdmin);
    const before = (context as Audited).auditBefore ?? [];
    const ownerOf = (p: Params) => (ownerColumn && p[ownerColumn] != null ? Number(p[ownerColumn]) : (actor?.id ?? null));
    const write = (recordId: unknown, b: Params | null, a: Params | null) =>
      recordOperation({ actor, ownerId: ownerOf(a ?? b ?? {}), action, resource: resourceId, recordId: recordId == null ? null : String(recordId), before: b, after: a, ip: ipOf(request) });
    if (action === 'new') {
      if (record?.params) await write(record.params.id ?? record.id, null, visible(record.params));
    } else if (action === 'edit') {
      if (record?.params) {
        const [b, a] = changed(before[0] ?? {}, visible(record.params));
        if (Object.keys(a).length) await write(record.params.id ?? record.id, b, a);
      }
    } else {
      for (const b of before) await write(b.id, b, null);
    }
    return response;
  };
}
