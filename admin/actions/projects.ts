import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { badRequest } from '../../server/errors.js';
import { Project } from '../../server/models/index.js';
import { applyForProject, grantAuthorization, revokeAuthorization, reviewApplication } from '../../server/services/projects/authorizations.js';
import { createProject, type PriceInput } from '../../server/services/projects/createProject.js';
import { rotateProjectSecret, setProjectStatus, updateProject } from '../../server/services/projects/manageProject.js';
import { Components } from '../componentLoader.js';
import { sessionActor, type DomainAction } from '../resources/define.js';
import { commandHandler, done, idOf, payloadOf, reloaded, selectField, spoken, type Params } from './helpers.js';
import { say, type Localized } from '../../server/i18n.js';

/**
 * Project and authorization actions: 创建项目 (secret shown once), 编辑, 轮换密钥, 查看公钥,
 * 授权/撤销授权, 申请项目, 审核申请. Thin callers of server/services/projects.
 */


const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v == null ? '' : String(v));
const optInt = (v: unknown) => (str(v) === '' ? undefined : Number(str(v)));

/** The answer of a command on a record: the notice, the record as it is now, back to `resourceId`'s list. */
const recordResponse = async (context: ActionContext, resourceId: string, id: number, message: Localized): Promise<ActionResponse> =>
  done(context, message, resourceId, { record: await reloaded(context, String(id)) });

/** One price per line: `label, days (or 永久/permanent), unit price`, e.g. `30天, 30, 2.50`. */
function parsePriceLines(text: string): PriceInput[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.map((line, i) => {
    const parts = line.split(/[,，\t]/).map((p) => p.trim());
    if (parts.length !== 3) throw badRequest(say(`价格第 ${i + 1} 行格式应为「名称, 天数或永久, 单价」`, `Price line ${i + 1} should read "name, days or permanent, unit price"`), 'INVALID_PRICE_LINE', 3010);
    const [label, days, unitPrice] = parts as [string, string, string];
    const permanent = /^(永久|permanent|0|-)$/i.test(days);
    if (!permanent && !/^\d+$/.test(days)) throw badRequest(say(`价格第 ${i + 1} 行的天数无效`, `Price line ${i + 1}: the days are not valid`), 'INVALID_PRICE_LINE', 3010);
    return { label, durationDays: permanent ? null : Number(days), unitPrice };
  });
}

const projectFields = [
  { name: 'name', label: '项目名称', required: true },
  { name: 'version', label: '版本' },
  { name: 'description', label: '描述', type: 'textarea' as const },
  { name: 'prices', label: '价格表（每行：名称, 天数或“永久”, 每张额度）', type: 'textarea' as const, required: true, placeholder: '1天, 1, 0.50\n30天, 30, 5.00\n永久, 永久, 50.00' },
  { name: 'callbackUrl', label: '回调地址（可选）', placeholder: 'https://example.com/seahorse/events' },
  { name: 'maxUnbinds', label: '每张卡密最多解绑次数', placeholder: '3' },
  { name: 'unbindCooldownMinutes', label: '两次解绑最短间隔（分钟）', placeholder: '0' },
  { name: 'shareIpThreshold', label: '共享检测：24 小时内不同 IP 数上限', placeholder: '5' },
];

export const projectActions: Record<string, DomainAction> = {
  createProject: {
    actionType: 'resource',
    icon: 'Plus',
    component: Components.CommandForm,
    custom: { title: '创建项目', description: '系统生成 app_key、app_secret 与响应签名密钥对。app_secret 只显示这一次，请立即保存。', submitLabel: '创建', fields: projectFields },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      if (request.method !== 'post') return {} as ActionResponse;
      const p = payloadOf(request);
      const { project, appSecret } = await createProject(
        {
          name: str(p.name),
          version: str(p.version) || null,
          description: str(p.description) || null,
          callbackUrl: str(p.callbackUrl) || null,
          prices: parsePriceLines(str(p.prices)),
          maxUnbinds: optInt(p.maxUnbinds),
          unbindCooldownMinutes: optInt(p.unbindCooldownMinutes),
          shareIpThreshold: optInt(p.shareIpThreshold),
        },
        sessionActor(context),
      );
      return {
        notice: { message: spoken(say(`项目「${project.name}」已创建`, `Project "${project.name}" created`), context), type: 'success' },
        reveal: {
          title: spoken(say('请立即保存 app_secret：关闭本页后无法再次查看（只能轮换）', 'Save the app_secret now: once this page is closed it cannot be shown again (only rotated)'), context),
          lines: [`app_key: ${project.appKey}`, `app_secret: ${appSecret}`, '', spoken(say('响应签名公钥 (Ed25519):', 'Response signing public key (Ed25519):'), context), project.signPublicKey],
        },
      } as ActionResponse;
    },
  },
  rotateSecret: {
    actionType: 'record',
    icon: 'RefreshCw',
    component: Components.CommandForm,
    custom: {
      title: '轮换 app_secret',
      description: '生成新的 app_secret；旧密钥在宽限期内仍然有效（0 = 立即失效）。新密钥只显示一次。',
      submitLabel: '轮换',
      fields: [{ name: 'graceMinutes', label: '旧密钥宽限期（分钟）', placeholder: '1440' }],
      summary: [{ label: '项目', path: 'name' }],
    },
    handler: async (request, _response, context) => {
      const grace = optInt(payloadOf(request).graceMinutes);
      const { appSecret, previousValidUntil } = await rotateProjectSecret(idOf(context), sessionActor(context), { graceMinutes: grace });
      return {
        notice: { message: spoken(say('密钥已轮换', 'Secret rotated'), context), type: 'success' },
        record: context.record!.toJSON(context.currentAdmin),
        reveal: {
          title: spoken(say('新的 app_secret（只显示这一次）', 'The new app_secret (shown only this once)'), context),
          lines: [`app_secret: ${appSecret}`, spoken(previousValidUntil ? say(`旧密钥有效至 ${previousValidUntil.toISOString()}`, `The old secret works until ${previousValidUntil.toISOString()}`) : say('旧密钥已立即失效', 'The old secret stopped working at once'), context)],
        },
      } as ActionResponse;
    },
  },
  publicKey: {
    actionType: 'record',
    icon: 'Key',
    component: Components.CommandForm,
    custom: { title: '客户端对接信息', description: '把 app_key 和下面的公钥交给客户端开发者（协议见 docs/card-key-api.md）。', submitLabel: '显示', fields: [], summary: [{ label: '项目', path: 'name' }] },
    handler: async (request, _response, context) => {
      const project = await Project.findByPk(idOf(context));
      if (request.method !== 'post' || !project) return { record: context.record!.toJSON(context.currentAdmin) };
      return {
        record: context.record!.toJSON(context.currentAdmin),
        reveal: { title: spoken(say(`${project.name} 对接信息`, `${project.name}: integration info`), context), lines: [`app_key: ${project.appKey}`, '', spoken(say('响应签名公钥 (Ed25519, PEM):', 'Response signing public key (Ed25519, PEM):'), context), project.signPublicKey] },
      } as ActionResponse;
    },
  },
};

/** Built-in `new`/`edit` of projects go through the services (price list, cache invalidation on every node). */
export const projectHandlers = {
  new: async (): Promise<ActionResponse> => {
    throw badRequest(say('请使用「创建项目」操作（需要填写价格表）', 'Use the "Create project" action (it needs a price list)'), 'USE_CREATE_PROJECT', 3011);
  },
  edit: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
    const actor = sessionActor(context);
    const id = idOf(context);
    const p = payloadOf(request);
    const has = (k: string) => k in p;
    await updateProject(
      id,
      {
        ...(has('name') && { name: str(p.name) }),
        ...(has('description') && { description: str(p.description) || null }),
        ...(has('version') && { version: str(p.version) || null }),
        ...(has('callbackUrl') && { callbackUrl: str(p.callbackUrl) || null }),
        ...(has('maxUnbinds') && { maxUnbinds: optInt(p.maxUnbinds) }),
        ...(has('unbindCooldownMinutes') && { unbindCooldownMinutes: optInt(p.unbindCooldownMinutes) }),
        ...(has('shareIpThreshold') && { shareIpThreshold: optInt(p.shareIpThreshold) }),
        ...(has('pointsPerKey') && { pointsPerKey: optInt(p.pointsPerKey) ?? null }),
      },
      actor,
    );
    if (has('status') && (str(p.status) === 'active' || str(p.status) === 'disabled')) await setProjectStatus(id, str(p.status) as 'active' | 'disabled', actor);
    return recordResponse(context, 'projects', id, say('项目已更新', 'Project updated'));
  },
};

/** Authorizations are granted through the service (agent admins: own agents only; agent notified). */
export const projectAuthorizationHandlers = {
  new: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return {};
    const p = payloadOf(request);
    const auth = await grantAuthorization({ actor: sessionActor(context), projectId: p.projectId, agentId: p.agentId, expiresAt: p.expiresAt });
    return recordResponse(context, 'project_authorizations', auth.id, say('授权成功', 'Authorization granted'));
  },
  edit: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
    const actor = sessionActor(context);
    const p = payloadOf(request);
    const current = context.record!.params as Params;
    if (str(p.status) === 'revoked') await revokeAuthorization({ actor, authorizationId: idOf(context) });
    else await grantAuthorization({ actor, projectId: current.projectId, agentId: current.agentId, expiresAt: p.expiresAt });
    return recordResponse(context, 'project_authorizations', idOf(context), say('授权已更新', 'Authorization updated'));
  },
};

export const projectAuthorizationActions: Record<string, DomainAction> = {
  revoke: {
    actionType: 'record',
    icon: 'XCircle',
    component: Components.CommandForm,
    isAccessible: (context) => context.record?.params?.status === 'active',
    custom: { title: '撤销授权', description: '撤销后该代理不能再生成此项目的卡密（已生成的卡密不受影响）。', submitLabel: '确认撤销', fields: [] },
    handler: commandHandler('project_authorizations', async ({ actor, id }) => (await revokeAuthorization({ actor, authorizationId: Number(id) }), say('已撤销授权', 'Authorization revoked')), 'reload'),
  },
};

/** An agent's application goes through the service (reviewer notified). */
export const projectApplicationHandlers = {
  new: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return {};
    const p = payloadOf(request);
    const application = await applyForProject({ actor: sessionActor(context), projectId: p.projectId, reason: p.reason });
    return recordResponse(context, 'project_applications', application.id, say('申请已提交，等待审核', 'Application submitted, waiting for review'));
  },
};

export const projectApplicationActions: Record<string, DomainAction> = {
  review: {
    actionType: 'record',
    icon: 'CheckSquare',
    component: Components.CommandForm,
    isAccessible: (context) => context.record?.params?.status === 'pending',
    custom: {
      title: '审核项目申请',
      submitLabel: '提交审核',
      summary: [{ label: '理由', path: 'reason' }],
      fields: [
        selectField('decision', '审核结果', { approve: '通过', reject: '拒绝' }),
        { name: 'opinion', label: '审核意见（拒绝时必填）', type: 'textarea' },
        { name: 'expiresAt', label: '授权有效期至（可选，如 2027-12-31）' },
      ],
    },
    handler: commandHandler(
      'project_applications',
      async ({ actor, id, payload: p }) => (await reviewApplication({ actor, applicationId: Number(id), decision: p.decision, opinion: p.opinion, expiresAt: p.expiresAt }), say('审核完成', 'Review done')),
      'reload',
    ),
  },
};
