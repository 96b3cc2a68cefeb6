import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { Op } from 'sequelize';
import { AdminUser, Project, ProjectAuthorization, ProjectPrice } from '../../server/models/index.js';
import { isAgent, isSuperAdmin, type Actor } from '../../server/policies/actor.js';
import { replayCallback } from '../../server/services/cardKeys/events.js';
import { getExportStatus, requestCardKeyExport, type ExportFormat } from '../../server/services/cardKeys/exportCardKeys.js';
import { activeAuthorization } from '../../server/services/projects/authorizations.js';
import { generateCardKeys } from '../../server/services/cardKeys/generateCardKeys.js';
import { disableBatch, extendBatch, revokeUnusedKeys, setCardKeysEnabled, unbindCardKey } from '../../server/services/cardKeys/lifecycle.js';
import { inLang, say } from '../../server/i18n.js';
import { Components } from '../componentLoader.js';
import { exportDownloadUrl } from '../exportDownload.js';
import { servedLang } from '../language.js';
import { requestIp, sessionActor, type DomainAction } from '../resources/define.js';
import { commandHandler, idOf, payloadOf, selectField, spoken, statusIs, type Params } from './helpers.js';

const EXPORT_STARTED = say('导出任务已创建', 'Export started');

/**
 * Card-key actions of the back office: 生成卡密, 导出, 解绑, 禁用/启用 (one or many), and the batch
 * actions 禁用批次 / 延长有效期 / 作废未使用并退款 / 导出批次, plus 重发 of a callback delivery. Each is a
 * thin caller of server/services/cardKeys, which checks the actor and the row scope again.
 */

/** What the generate form may offer this actor: agents they act for, projects, validities per project. */
async function generateOptions(actor: Actor) {
  let agents: AdminUser[] = [];
  let projectIds: number[] | null = null;
  if (isAgent(actor)) {
    const auths = await ProjectAuthorization.findAll({ where: { agentId: actor.id, ...activeAuthorization() } });
    projectIds = auths.map((a) => a.projectId);
  } else {
    agents = await AdminUser.findAll({
      where: { role: 'agent', status: 'active', ...(isSuperAdmin(actor) ? {} : { parentId: actor.id }) },
      order: [['username', 'ASC']],
      limit: 500,
    });
  }
  const projects = await Project.findAll({ where: { status: 'active', ...(projectIds ? { id: { [Op.in]: projectIds } } : {}) }, order: [['name', 'ASC']] });
  const prices = await ProjectPrice.findAll({ where: { projectId: { [Op.in]: projects.map((p) => p.id) } }, order: [['sort', 'ASC']] });
  const options: Record<string, Array<{ value: string; label: string }>> = {
    agents: agents.map((a) => ({ value: String(a.id), label: a.username })),
    projects: projects.map((p) => ({ value: String(p.id), label: p.name })),
  };
  for (const p of projects) {
    options[`validity:${p.id}`] = prices.filter((x) => x.projectId === p.id).map((x) => ({ value: x.label, label: inLang(say(`${x.label}（每张 ${x.unitPrice} 额度）`, `${x.label} (${x.unitPrice} quota per key)`), servedLang() ?? 'zh-CN') }));
  }
  return options;
}

function filterFromPayload(payload: Params): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (!k.startsWith('filter.') || typeof v !== 'string' || v === '') continue;
    const key = k.slice(7);
    if (['batchId', 'projectId', 'agentId', 'status', 'code'].includes(key)) filter[key] = v;
  }
  for (const key of ['batchId', 'projectId', 'status', 'code']) if (typeof payload[key] === 'string' && payload[key] !== '') filter[key] = payload[key] as string;
  return filter;
}

/** GET ?exportId → status (only the requester's own export); the file streams from EXPORT_DOWNLOAD_PATH. */
async function exportStatusOrFile(actor: Actor, query: Params): Promise<ActionResponse> {
  const exportId = String(query.exportId ?? '');
  const status = await getExportStatus(actor, exportId);
  const downloadUrl = status.status === 'done' ? exportDownloadUrl(exportId) : undefined;
  return { exportStatus: { status: status.status, rows: status.rows, error: status.error, downloadUrl } };
}

const formatField = selectField('format', '格式', { xlsx: 'Excel (XLSX)', csv: 'CSV' });

/**
 * 禁用 / 启用, of one key or of the keys ticked in the list: one handler, one command
 * (`setCardKeysEnabled`, which checks the policy and each key's scope and state).
 */
const setEnabled = (enabled: boolean) =>
  commandHandler('card_keys', async ({ actor, ids, ip, context }) => {
    const n = await setCardKeysEnabled({ actor, ids: ids.map(Number), enabled, ip });
    if (context.records) return enabled ? say(`已启用 ${n} 张卡密`, `${n} card keys enabled`) : say(`已禁用 ${n} 张卡密`, `${n} card keys disabled`);
    return enabled ? say('已启用', 'Enabled') : say('已禁用', 'Disabled');
  });

export const cardKeyActions: Record<string, DomainAction> = {
  generate: {
    actionType: 'resource',
    icon: 'Plus',
    component: Components.CommandForm,
    custom: {
      title: '生成卡密',
      description: '按「数量 × 单价」从代理额度中扣除；额度不足时不会生成任何卡密。大批量由后台任务生成，可在“卡密批次”中查看进度。',
      submitLabel: '生成',
      fields: [
        { name: 'agentId', label: '代理（管理员代为生成时选择）', type: 'select', optionsKey: 'agents' },
        { name: 'projectId', label: '项目', type: 'select', optionsKey: 'projects', required: true },
        { name: 'validityLabel', label: '有效期', type: 'select', optionsKey: 'validity', dependsOn: 'projectId', required: true },
        { name: 'count', label: '数量', required: true, placeholder: '1 - 100000' },
        { name: 'memo', label: '备注', type: 'textarea' },
      ],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      const actor = sessionActor(context);
      if (request.method !== 'post') return { options: await generateOptions(actor) } as ActionResponse;
      const { agentId, projectId, validityLabel, count, memo } = payloadOf(request);
      const { batch, async } = await generateCardKeys({ actor, agentId, projectId, validityLabel, count, memo, ip: requestIp(request) });
      return {
        notice: {
          message: spoken(
            async
              ? say(`批次 #${batch.id} 已扣除 ${batch.totalCost} 额度，正在后台生成 ${batch.count} 张卡密`, `Batch #${batch.id}: ${batch.totalCost} quota deducted; ${batch.count} card keys are being generated in the background`)
              : say(`已生成 ${batch.count} 张卡密（批次 #${batch.id}），扣除 ${batch.totalCost} 额度`, `Generated ${batch.count} card keys (batch #${batch.id}); ${batch.totalCost} quota deducted`),
            context,
          ),
          type: 'success',
        },
        redirectUrl: context.h.recordActionUrl({ resourceId: 'card_key_batches', recordId: String(batch.id), actionName: 'show' }),
      };
    },
  },
  export: {
    actionType: 'resource',
    icon: 'Download',
    component: Components.CommandForm,
    custom: {
      title: '导出卡密',
      description: '导出当前筛选条件下您有权查看的卡密（由后台任务生成，完成后可下载）。',
      submitLabel: '开始导出',
      fields: [
        formatField,
        { name: 'batchId', label: '批次 ID（可选）', fromFilter: 'batchId' },
        { name: 'projectId', label: '项目 ID（可选）', fromFilter: 'projectId' },
        { name: 'status', label: '状态（可选：unused/active/expired/disabled/revoked）', fromFilter: 'status' },
      ],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      const actor = sessionActor(context);
      if (request.method !== 'post') {
        if (request.query?.exportId) return exportStatusOrFile(actor, request.query as Params);
        return {} as ActionResponse;
      }
      const p = payloadOf(request);
      const job = await requestCardKeyExport({ actor, format: String(p.format) as ExportFormat, filter: filterFromPayload(p) });
      return { notice: { message: spoken(EXPORT_STARTED, context), type: 'success' }, exportJob: { id: job.id, pollResource: 'card_keys' } } as ActionResponse;
    },
  },
  unbind: {
    actionType: 'record',
    icon: 'Unlock',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, 'active'),
    custom: { title: '解绑设备', description: '清除绑定设备，卡密可在新设备上重新激活；有效期不重置，解绑次数和间隔受项目规则限制。', submitLabel: '确认解绑', fields: [], summary: [{ label: '卡密', path: 'code' }, { label: '设备', path: 'deviceId' }] },
    handler: commandHandler('card_keys', async ({ actor, id, ip }) => (await unbindCardKey({ actor, cardKeyId: Number(id), ip }), say('已解绑', 'Unbound'))),
  },
  disable: {
    actionType: 'record',
    icon: 'Slash',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, 'unused', 'active', 'expired'),
    custom: { title: '禁用卡密', description: '禁用后验证接口立即返回 DISABLED。', submitLabel: '确认禁用', fields: [], summary: [{ label: '卡密', path: 'code' }] },
    handler: setEnabled(false),
  },
  enable: {
    actionType: 'record',
    icon: 'Check',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, 'disabled'),
    custom: { title: '启用卡密', submitLabel: '确认启用', fields: [], summary: [{ label: '卡密', path: 'code' }] },
    handler: setEnabled(true),
  },
  bulkDisable: {
    actionType: 'bulk',
    icon: 'Slash',
    component: Components.CommandForm,
    custom: { title: '批量禁用', submitLabel: '确认禁用', fields: [] },
    handler: setEnabled(false),
  },
  bulkEnable: {
    actionType: 'bulk',
    icon: 'Check',
    component: Components.CommandForm,
    custom: { title: '批量启用', submitLabel: '确认启用', fields: [] },
    handler: setEnabled(true),
  },
};

export const cardKeyBatchActions: Record<string, DomainAction> = {
  disableBatch: {
    actionType: 'record',
    icon: 'Slash',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, 'completed'),
    custom: { title: '禁用整个批次', description: '批次内所有未作废的卡密将被禁用。', submitLabel: '确认禁用', fields: [], summary: [{ label: '批次', path: 'id' }, { label: '数量', path: 'count' }] },
    handler: commandHandler('card_key_batches', async ({ actor, id, ip }) => {
      const n = await disableBatch({ actor, batchId: Number(id), ip });
      return say(`已禁用 ${n} 张卡密`, `${n} card keys disabled`);
    }),
  },
  extendBatch: {
    actionType: 'record',
    icon: 'Clock',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, 'completed', 'disabled'),
    custom: { title: '延长批次有效期', description: '批次内所有限时卡密的有效期延长指定天数（已激活的顺延到期时间）。', submitLabel: '确认延长', fields: [{ name: 'days', label: '延长天数', required: true, placeholder: '例如 30' }] },
    handler: commandHandler('card_key_batches', async ({ actor, id, payload, ip }) => {
      const n = await extendBatch({ actor, batchId: Number(id), days: Number(payload.days), ip });
      return say(`已延长 ${n} 张卡密`, `${n} card keys extended`);
    }),
  },
  revokeUnused: {
    actionType: 'record',
    icon: 'RotateCcw',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, 'completed', 'disabled'),
    custom: { title: '作废未使用的卡密并退款', description: '从未激活过的卡密将作废，其额度按批次单价退回代理账户。', submitLabel: '确认作废', fields: [], summary: [{ label: '批次', path: 'id' }, { label: '单价', path: 'unitPrice' }] },
    handler: commandHandler('card_key_batches', async ({ actor, id, ip }) => {
      const r = await revokeUnusedKeys({ actor, batchId: Number(id), ip });
      return say(`已作废 ${r.revoked} 张卡密，退回 ${r.refund} 额度`, `${r.revoked} unused card keys revoked; ${r.refund} quota refunded`);
    }),
  },
  exportBatch: {
    actionType: 'record',
    icon: 'Download',
    component: Components.CommandForm,
    isAccessible: (context) => statusIs(context, 'completed', 'disabled'),
    custom: { title: '导出批次', submitLabel: '开始导出', fields: [formatField], summary: [{ label: '批次', path: 'id' }] },
    handler: async (request, _response, context) => {
      const job = await requestCardKeyExport({ actor: sessionActor(context), format: String(payloadOf(request).format) as ExportFormat, filter: { batchId: idOf(context) } });
      return { notice: { message: spoken(EXPORT_STARTED, context), type: 'success' }, exportJob: { id: job.id, pollResource: 'card_keys' } } as ActionResponse;
    },
  },
};

export const callbackDeliveryActions: Record<string, DomainAction> = {
  replay: {
    actionType: 'record',
    icon: 'Repeat',
    component: Components.CommandForm,
    custom: { title: '重新投递回调', description: '以新的签名重新发送同一事件。', submitLabel: '重新投递', fields: [], summary: [{ label: '事件', path: 'event' }, { label: '地址', path: 'url' }] },
    handler: commandHandler('callback_deliveries', async ({ actor, id }) => (await replayCallback(actor, Number(id)), say('已重新加入投递队列', 'Queued for delivery again'))),
  },
};
