import {
  ValidationError,
  type Action,
  type ActionContext,
  type ActionRequest,
  type ActionResponse,
  type PropertyOptions,
  type ResourceOptions,
  type ResourceWithOptions,
} from 'adminjs';
import type { IncomingHttpHeaders } from 'node:http';
import type { Model, ModelStatic } from 'sequelize';
import { config } from '../../server/config.js';
import { asLang, inLang, requestLang, say, type Lang } from '../../server/i18n.js';
import { AdminUser } from '../../server/models/index.js';
import { actorFromSession, can, mayAssignOwner, ruleFor, SECRET_FIELDS, writableFields } from '../../server/policies/access.js';
import type { Actor } from '../../server/policies/actor.js';
import { toValidationError } from '../adapter/ScopedResource.js';
import { servedLang } from '../language.js';
import { Components } from '../componentLoader.js';
import { auditAfter, snapshotBefore } from '../features/audit.js';

export const NAVIGATION = {
  dashboard: { name: 'navDashboard', icon: 'Home' },
  users: { name: 'navUsers', icon: 'Users' },
  quota: { name: 'navQuota', icon: 'DollarSign' },
  projects: { name: 'navProjects', icon: 'Package' },
  cardKeys: { name: 'navCardKeys', icon: 'Key' },
  points: { name: 'navPoints', icon: 'ShoppingCart' },
  content: { name: 'navContent', icon: 'FileText' },
  system: { name: 'navSystem', icon: 'Settings' },
  logs: { name: 'navLogs', icon: 'List' },
  stats: { name: 'navStats', icon: 'BarChart2' },
} as const;
export type NavigationGroup = keyof typeof NAVIGATION;

export const BUILT_IN_ACTIONS = ['list', 'search', 'show', 'new', 'edit', 'delete', 'bulkDelete'] as const;

/** A domain action: a normal AdminJS action; `readOnly` ones may run on GET (others only show the record on GET). */
export type DomainAction = Partial<Action<ActionResponse>> & { readOnly?: boolean };

export interface ResourceSpec {
  navigation: NavigationGroup;
  list: string[];
  show?: string[];
  edit?: string[];
  filter?: string[];
  /** NUMERIC money columns: shown as currency. */
  money?: string[];
  /** JSON columns: read-only, pretty-printed. */
  json?: string[];
  /** Long texts shown in a textarea. */
  textarea?: string[];
  /** Select lists for enumerated columns: value → label key (translated under `labels`). */
  enums?: Record<string, readonly (string | number)[]>;
  /** Columns the form may leave empty (the command fills a default), though the table says NOT NULL. */
  optional?: string[];
  /** Owner column set from the session on `new` (agents: always themselves; agent admins: self or own agent). */
  ownerOnNew?: string;
  /** Columns stamped with the acting admin's id on `new`. */
  stampActor?: string[];
  sort?: { sortBy: string; direction: 'asc' | 'desc' };
  /** Domain actions (built in admin/actions/<domain>.ts), added with one spread. */
  actions?: Record<string, DomainAction>;
  /** Replaces built-in handlers (e.g. admin_users `new` goes through createAdminUser). */
  handlers?: Partial<Record<(typeof BUILT_IN_ACTIONS)[number], Action<ActionResponse>['handler']>>;
  after?: Partial<Record<'edit' | 'list' | 'show', (response: ActionResponse, request: ActionRequest, context: ActionContext) => Promise<ActionResponse>>>;
  options?: Partial<ResourceOptions>;
}

/** A refusal written here, in the language of the admin being served. */
const said = (zh: string, en: string): string => inLang(say(zh, en), servedLang() ?? 'zh-CN');

export function sessionActor(context: ActionContext): Actor {
  const actor = actorFromSession(context.currentAdmin);
  if (!actor) throw new ValidationError({}, { message: said('请先登录', 'Please log in first'), type: 'unauthenticated' });
  return actor;
}

/** Where the admin mount keeps Express's `req.ip` as an own property, so it survives AdminJS's copy. */
export const CLIENT_IP = 'seahorseClientIp';

/**
 * The client's address for audit rows: exactly Express's `req.ip` (trust-proxy applied by Express).
 * AdminJS hands actions a spread copy of the request, which loses the `req.ip` getter, so the admin
 * mount copies it into an own property first.
 */
export function requestIp(request: ActionRequest): string | null {
  const ip = (request as ActionRequest & { [CLIENT_IP]?: unknown })[CLIENT_IP];
  return typeof ip === 'string' && ip ? ip : null;
}

/**
 * The language the admin reads (admin/language.ts `adminRequestLang`: the screen's language cookie,
 * else their saved locale, else zh-CN): refusals are shown in it.
 */
export function adminLang(args: readonly unknown[]): Lang {
  // AdminJS hands actions a spread copy of the request, which loses Node's `headers` getter: the
  // language of the request being served was taken from the real one (admin/language.ts).
  const served = servedLang();
  if (served) return served;
  const request = args.find((a): a is { headers: IncomingHttpHeaders } => !!a && typeof a === 'object' && 'headers' in a && !!(a as { headers?: unknown }).headers);
  const context = args.find((a): a is ActionContext => !!a && typeof a === 'object' && 'currentAdmin' in a);
  if (!request) return asLang((context?.currentAdmin as { locale?: string } | undefined)?.locale);
  return requestLang({ headers: { cookie: request.headers.cookie }, session: { adminUser: context?.currentAdmin as { locale?: string } | undefined } });
}

/** Domain errors (AppError) and bad input become a message on the page (in the admin's language) instead of a 500. */
function guarded<A extends unknown[], R>(fn: (...args: A) => Promise<R> | R): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toValidationError(err, adminLang(args));
    }
  };
}

const rootKey = (key: string) => key.split('.')[0]!;

/**
 * Keeps only the fields the role may write, then forces owner and actor columns from the session,
 * so a forged payload (role, parentId, balance, agentId of another owner…) changes nothing.
 */
async function sanitizePayload(resourceId: string, spec: ResourceSpec, request: ActionRequest, context: ActionContext, isNew: boolean): Promise<ActionRequest> {
  if (request.method !== 'post') {
    if (isNew) throw new ValidationError({}, { message: said('请通过表单提交', 'Please submit the form'), type: 'method' });
    return request;
  }
  const actor = sessionActor(context);
  const allowed = new Set<string>(writableFields(actor, resourceId));
  for (const s of SECRET_FIELDS) allowed.delete(s);
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request.payload ?? {})) {
    if (allowed.has(rootKey(key))) payload[key] = value;
  }
  if (isNew && spec.ownerOnNew) {
    const col = spec.ownerOnNew;
    const requested = payload[col] === undefined || payload[col] === '' ? actor.id : Number(payload[col]);
    if (!Number.isSafeInteger(requested)) throw new ValidationError({ [col]: { message: said('请选择有效的用户', 'Please choose a valid user') } });
    if (actor.role === 'agent' || !allowed.has(col)) {
      payload[col] = actor.id;
    } else if (requested !== actor.id) {
      const target = await AdminUser.findByPk(requested, { attributes: ['id', 'role', 'parentId'] });
      // Plain values: spreading a model instance would drop its attributes (they are getters).
      if (!target || !mayAssignOwner(actor, resourceId, requested, { role: target.role, parentId: target.parentId })) {
        throw new ValidationError({ [col]: { message: said('只能选择自己名下的代理', 'You can only choose your own agents') } });
      }
      payload[col] = requested;
    } else {
      payload[col] = actor.id;
    }
  } else if (!isNew && spec.ownerOnNew && actor.role !== 'super_admin') {
    // The owner of an existing row never changes through a form.
    for (const key of Object.keys(payload)) if (rootKey(key) === spec.ownerOnNew) delete payload[key];
  }
  if (isNew) for (const col of spec.stampActor ?? []) payload[col] = actor.id;
  return { ...request, payload };
}

function policyGate(resourceId: string, actionName: string, original?: Action<ActionResponse>['isAccessible']): Action<ActionResponse>['isAccessible'] {
  // Must stay synchronous: AdminJS treats a returned Promise as truthy (= access granted).
  return (context) => {
    if (!can(actorFromSession(context?.currentAdmin), resourceId, actionName, context?.record?.params)) return false;
    if (original === undefined) return true;
    return typeof original === 'function' ? original(context) === true : original === true;
  };
}

function wrapDomainAction(resourceId: string, name: string, action: DomainAction): Partial<Action<ActionResponse>> {
  const { readOnly, ...rest } = action;
  const gate = policyGate(resourceId, name, rest.isAccessible);
  const handler = rest.handler;
  return {
    ...rest,
    isAccessible: gate,
    isVisible: rest.isVisible === false ? false : gate,
    before: rest.before ? guarded(rest.before as (...a: unknown[]) => Promise<ActionRequest>) as never : undefined,
    handler: handler
      ? guarded(async (request: ActionRequest, response: unknown, context: ActionContext) => {
          // Buttons call actions with GET; a GET must never change anything (or be replayable cross-site).
          if (!readOnly && request.method !== 'post' && rest.actionType !== 'resource') {
            if (context.record) return { record: context.record.toJSON(context.currentAdmin) };
            if (context.records) return { records: context.records.map((r) => r.toJSON(context.currentAdmin)) };
          }
          const fn = handler as (r: ActionRequest, s: unknown, c: ActionContext) => Promise<ActionResponse>;
          return fn(request, response, context);
        })
      : undefined,
  } as Partial<Action<ActionResponse>>;
}

/** One admin resource: model + display spec, with the access policy wired into every action. */
export function defineResource(model: ModelStatic<Model>, spec: ResourceSpec): ResourceWithOptions {
  const resourceId = model.tableName;
  const properties: Record<string, PropertyOptions> = {};
  for (const s of SECRET_FIELDS) properties[s] = { isVisible: false };
  for (const m of spec.money ?? []) {
    properties[m] = { ...properties[m], components: { list: Components.Money, show: Components.Money } };
  }
  for (const j of spec.json ?? []) {
    properties[j] = { type: 'mixed', isVisible: { list: false, filter: false, show: true, edit: false }, components: { show: Components.Json } };
  }
  for (const t of spec.textarea ?? []) properties[t] = { ...properties[t], type: 'textarea' };
  for (const o of spec.optional ?? []) properties[o] = { ...properties[o], isRequired: false };
  for (const [prop, values] of Object.entries(spec.enums ?? {})) {
    properties[prop] = {
      ...properties[prop],
      availableValues: values.map((v) => ({ value: String(v), label: String(v) })),
    };
  }

  const large = ruleFor(resourceId).large;
  for (const p of large ? spec.list.filter((name) => !large.sortable.includes(name)) : []) {
    properties[p] = { ...properties[p], isSortable: false };
  }

  const actions: Record<string, Partial<Action<ActionResponse>>> = {};
  for (const name of BUILT_IN_ACTIONS) {
    const gate = policyGate(resourceId, name);
    const custom = spec.handlers?.[name];
    const action: Partial<Action<ActionResponse>> = { isAccessible: gate, isVisible: gate };
    const before: unknown[] = [];
    const after: unknown[] = [];
    if (name === 'new' || name === 'edit') {
      before.push(guarded((request: ActionRequest, context: ActionContext) => sanitizePayload(resourceId, spec, request, context, name === 'new')));
    }
    if (custom) action.handler = guarded(custom as (r: ActionRequest, s: unknown, c: ActionContext) => Promise<ActionResponse>) as never;
    const specAfter = spec.after?.[name as 'edit' | 'list' | 'show'];
    if (specAfter) after.push(guarded(specAfter));
    // The audit feature: AdminJS's own writes are logged here; a replaced handler is a command that audits itself.
    if (!custom && (name === 'new' || name === 'edit' || name === 'delete' || name === 'bulkDelete')) {
      if (name !== 'new') before.push(snapshotBefore);
      after.push(auditAfter(resourceId, name, { ownerColumn: ruleFor(resourceId).owner?.[0], ipOf: requestIp }));
    }
    if (before.length) action.before = before as never;
    if (after.length) action.after = after as never;
    actions[name] = action;
  }
  for (const [name, action] of Object.entries(spec.actions ?? {})) actions[name] = wrapDomainAction(resourceId, name, action);

  const { properties: extraProperties, ...extraOptions } = spec.options ?? {};
  for (const [key, value] of Object.entries(extraProperties ?? {})) properties[key] = { ...properties[key], ...value };

  return {
    resource: model,
    options: {
      id: resourceId,
      navigation: NAVIGATION[spec.navigation],
      listProperties: spec.list,
      ...(spec.show && { showProperties: spec.show }),
      ...(spec.edit && { editProperties: spec.edit }),
      filterProperties: spec.filter ?? spec.list,
      sort: spec.sort ?? { sortBy: model.primaryKeyAttribute, direction: 'desc' },
      properties,
      actions,
      ...extraOptions,
    },
  };
}
