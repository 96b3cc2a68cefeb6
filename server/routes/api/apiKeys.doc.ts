import { batchBody, createBody, keyParams, listQuery, updateBody } from './v1/apiKeys.schema.js';
import type { RouteSpec } from './routeSpec.js';

/** Documentation of the API-key routes (served by ./v1/apiKeys.ts), from the same zod schemas. */
export const apiKeyRoutes: RouteSpec[] = [
  { method: 'get', path: '/v1/api-keys', tag: 'API Key', summary: '我的 API Key 列表', auth: true, query: listQuery },
  { method: 'get', path: '/v1/api-keys/apis', tag: 'API Key', summary: '可授权的接口目录', auth: true },
  {
    method: 'post',
    path: '/v1/api-keys',
    tag: 'API Key',
    summary: '创建 API Key（完整 Key 仅此一次返回）',
    auth: true,
    body: createBody,
    status: 201,
  },
  { method: 'patch', path: '/v1/api-keys/:id', tag: 'API Key', summary: '改名 / 启用 / 禁用', auth: true, params: keyParams, body: updateBody },
  { method: 'delete', path: '/v1/api-keys/:id', tag: 'API Key', summary: '删除', auth: true, params: keyParams },
  { method: 'post', path: '/v1/api-keys/batch', tag: 'API Key', summary: '批量启用 / 禁用 / 删除', auth: true, body: batchBody },
];
