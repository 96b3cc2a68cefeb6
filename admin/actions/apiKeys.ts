import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { createApiCatalogEntry, deleteApiCatalogEntries, updateApiCatalogEntry } from '../../server/services/apiKeys/catalog.js';
import { setApiKeysEnabled } from '../../server/services/apiKeys/changeApiKeys.js';
import { registerMeteringService, rotateMeteringServiceSecret } from '../../server/services/metering/meteringServices.js';
import { Components } from '../componentLoader.js';
import { requestIp, sessionActor, type DomainAction } from '../resources/define.js';
import { commandHandler, crudHandlers, spoken } from './helpers.js';
import { say } from '../../server/i18n.js';

/**
 * Back-office actions on API keys and metering services (super admin only): 禁用 / 启用 any user's
 * key through the same command the mini-program uses — audited with the admin as
 * actor, effective in every process at once — and 注册 / 轮换密钥 for metering services, whose
 * secret is shown once in the result notice and stored only as a hash.
 */


// A form (not a bare button): AdminJS calls button-only actions with GET, and a GET changes nothing.
const keyStatusAction = (enabled: boolean): DomainAction => ({
  actionType: 'record',
  icon: enabled ? 'Play' : 'Slash',
  component: Components.CommandForm,
  custom: {
    title: enabled ? '启用 API Key' : '禁用 API Key',
    description: enabled ? '启用后该 Key 可再次调用接口（未过期且用户积分充足时）。' : '禁用后该 Key 的所有调用立即被拒绝（所有服务器进程）。',
    submitLabel: enabled ? '确认启用' : '确认禁用',
    summary: [
      { label: 'Key', path: 'keyPrefix' },
      { label: '名称', path: 'name' },
      { label: '用户', path: 'userId' },
    ],
    fields: [],
  },
  isAccessible: (context) => Boolean(context.record) && (Number(context.record!.params.status) === 1) !== enabled,
  handler: commandHandler('meta_auth_key', async ({ actor, ids, ip }) => {
    await setApiKeysEnabled({ kind: 'admin', admin: actor, ip }, ids, enabled);
    return enabled ? say('API Key 已启用', 'API key enabled') : say('API Key 已禁用', 'API key disabled');
  }),
});

export const apiKeyAdminActions: Record<string, DomainAction> = {
  disableKey: keyStatusAction(false),
  enableKey: keyStatusAction(true),
};

const credentialsNotice = (c: { clientId: string; secret: string }) =>
  say(
    `Client ID：${c.clientId}　Secret：${c.secret}（仅显示这一次，请立即保存；调用方式：Authorization: Basic base64(ClientID:Secret)）`,
    `Client ID: ${c.clientId}  Secret: ${c.secret} (shown only this once, save it now; call with Authorization: Basic base64(ClientID:Secret))`,
  );

export const meteringServiceAdminActions: Record<string, DomainAction> = {
  registerService: {
    actionType: 'resource',
    icon: 'Plus',
    component: Components.CommandForm,
    custom: {
      title: '注册计费服务',
      description: '注册后显示一次 Client ID 与 Secret；数据库只保存 Secret 的哈希。',
      submitLabel: '注册',
      fields: [{ name: 'name', label: '服务名称', required: true }],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      if (request.method !== 'post') return {};
      const name = String((request.payload ?? {}).name ?? '');
      const creds = await registerMeteringService(sessionActor(context), { name }, requestIp(request));
      return { notice: { message: spoken(credentialsNotice(creds), context), type: 'success' } };
    },
  },
  rotateSecret: {
    actionType: 'record',
    icon: 'RefreshCw',
    component: Components.CommandForm,
    custom: {
      title: '轮换密钥',
      description: '旧 Secret 立即失效；新 Secret 只显示这一次。',
      submitLabel: '确认轮换',
      summary: [{ label: '服务', path: 'name' }],
      fields: [],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const record = context.record!;
      const creds = await rotateMeteringServiceSecret(sessionActor(context), Number(record.id()), requestIp(request));
      return { record: record.toJSON(context.currentAdmin), notice: { message: spoken(credentialsNotice(creds), context), type: 'success' } };
    },
  },
};

/**
 * The API catalog's new / edit / delete / bulk delete go through the catalog service: validated,
 * audited (before/after, actor, IP) in the change's transaction, and every process's cached
 * catalog dropped after it.
 */
const catalogPayload = (request: ActionRequest) => {
  const p = (request.payload ?? {}) as Record<string, unknown>;
  const fields = ['name', 'path', 'pointsPerCall', 'status', 'description', 'serviceStatus', 'serviceMessage'] as const;
  return Object.fromEntries(fields.filter((f) => f in p).map((f) => [f, p[f]]));
};

export const apiCatalogHandlers = crudHandlers('api_catalog', {
  input: catalogPayload,
  create: createApiCatalogEntry,
  update: (actor, id, entry: Record<string, unknown>, ip) => updateApiCatalogEntry(actor, Number(id), entry, ip),
  remove: (actor, ids, ip) => deleteApiCatalogEntries(actor, ids.map(Number), ip),
  messages: { created: say('接口已创建', 'API created'), updated: say('接口已更新', 'API updated'), deleted: say('接口已删除', 'API deleted'), bulkDeleted: (n) => say(`已删除 ${n} 个接口`, `${n} APIs deleted`) },
});
