import type { Router } from 'express';
import { openApiViewer } from '../../http/openApiViewer.js';
import { apiKeyRoutes } from './apiKeys.doc.js';
import { miniRoutes } from './mini.js';
import { buildOpenApi, type RouteSpec } from './routeSpec.js';

/** Every documented /api route: ours plus the API-key routes mounted by their own router. */
export const documentedRoutes: RouteSpec[] = [...miniRoutes, ...apiKeyRoutes];

let cached: ReturnType<typeof buildOpenApi> | undefined;
export function openApiDocument() {
  cached ??= buildOpenApi(documentedRoutes, {
    title: 'Seahorse 小程序 API',
    version: '1.0.0',
    description:
      '响应信封 {success, code, message, data}；HTTP 状态码表达结果（400 输入无效、401 需重新登录、403 禁止、404、409、429、5xx）。分页参数 page/pageSize，返回 {total, page, pageSize, items}。',
  });
  return cached;
}

/** `/api/docs` (viewer) and `/api/docs/openapi.json`. */
export function docsRouter(): Router {
  return openApiViewer('/api', 'Seahorse API', openApiDocument);
}
