import { z } from 'zod';
import { apiKeyAccessInput } from '../../services/apiKeys/changeApiKeyAccess.js';
import { API_KEY_STATES } from '../../services/apiKeys/listApiKeys.js';
import { batchBody, createBody, keyParams, listQuery, updateBody } from './v1/apiKeys.schema.js';
import type { RouteSpec } from './routeSpec.js';

/** Answers of the API-key routes (documentation; the shapes the services return). */
const keyView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('显示用前缀；完整 Key 只在创建时返回一次'),
  status: z.enum(API_KEY_STATES).describe('active 活跃；disabled 已禁用；expired 已过期；out_of_points 积分耗尽'),
  enabled: z.boolean(),
  validityMonths: z.number().int(),
  expiresAt: z.string(),
  scopeAll: z.boolean(),
  apis: z.array(z.object({ id: z.number().int(), name: z.string() })),
  ipWhitelist: z.array(z.string()),
  remainingPoints: z.number().int().describe('用户的积分余额（同一用户的所有 Key 共用）'),
  callsToday: z.number().int(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
});
const keyPage = z.object({ total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), items: z.array(keyView) });
const apiEntry = z.object({
  id: z.number().int(),
  name: z.string(),
  path: z.string(),
  pointsPerCall: z.number().int(),
  status: z.enum(['active', 'disabled']),
  description: z.string().nullable(),
});
const createdKey = z.object({
  id: z.uuid(),
  name: z.string(),
  key: z.string().describe('完整 Key，仅此一次'),
  prefix: z.string(),
  validityMonths: z.number().int(),
  expiresAt: z.string(),
  scopeAll: z.boolean(),
  apiIds: z.array(z.number().int()),
  ipWhitelist: z.array(z.string()),
  createdAt: z.string(),
});
const accessData = z.object({ id: z.uuid(), scopeAll: z.boolean(), apiIds: z.array(z.number().int()), ipWhitelist: z.array(z.string()) });
const statsData = z.object({
  days: z.array(z.object({ day: z.string().describe('YYYY-MM-DD（北京时间）'), calls: z.number().int(), points: z.number().int() })),
  totalCalls: z.number().int(),
  totalPoints: z.number().int(),
});

/** Documentation of the API-key routes (served by ./v1/apiKeys.ts), from the same zod schemas. */
export const apiKeyRoutes: RouteSpec[] = [
  { method: 'get', path: '/v1/api-keys', tag: 'API Key', summary: '我的 API Key 列表', auth: true, query: listQuery, data: keyPage },
  { method: 'get', path: '/v1/api-keys/apis', tag: 'API Key', summary: '可授权的接口目录', auth: true, data: z.array(apiEntry) },
  { method: 'get', path: '/v1/api-keys/:id', tag: 'API Key', summary: 'Key 详情', auth: true, params: keyParams, data: keyView },
  {
    method: 'get',
    path: '/v1/api-keys/:id/stats',
    tag: 'API Key',
    summary: '近 30 天每日调用次数与消耗积分',
    description: '按北京时间自然日统计已计费的调用（来自积分消费记录），包含今天，无调用的日子为 0。',
    auth: true,
    params: keyParams,
    data: statsData,
  },
  {
    method: 'post',
    path: '/v1/api-keys',
    tag: 'API Key',
    summary: '创建 API Key（完整 Key 仅此一次返回）',
    auth: true,
    body: createBody,
    data: createdKey,
    status: 201,
  },
  {
    method: 'patch',
    path: '/v1/api-keys/:id',
    tag: 'API Key',
    summary: '改名 / 启用 / 禁用',
    auth: true,
    params: keyParams,
    body: updateBody,
    data: z.object({ id: z.uuid(), name: z.string(), enabled: z.boolean() }),
  },
  {
    method: 'put',
    path: '/v1/api-keys/:id/access',
    tag: 'API Key',
    summary: '修改权限范围与 IP 白名单',
    description: '规则与创建时相同（白名单支持 IPv4/IPv6 与 CIDR）；保存后下一次计费即按新规则判断。',
    auth: true,
    params: keyParams,
    body: apiKeyAccessInput,
    data: accessData,
  },
  { method: 'delete', path: '/v1/api-keys/:id', tag: 'API Key', summary: '删除', auth: true, params: keyParams, data: z.object({ deleted: z.number().int() }) },
  {
    method: 'post',
    path: '/v1/api-keys/batch',
    tag: 'API Key',
    summary: '批量启用 / 禁用 / 删除',
    auth: true,
    body: batchBody,
    data: z.object({ action: z.enum(['enable', 'disable', 'delete']), changed: z.number().int().optional(), deleted: z.number().int().optional() }),
  },
];
