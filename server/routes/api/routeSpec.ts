import type { Request, RequestHandler, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import { handle, validate } from '../../http/envelope.js';
import { authorize } from '../../policies/index.js';
import { miniUserActor } from '../../policies/actor.js';
import { miniAuth, requireMiniUser } from './miniAuth.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/**
 * One mini-program API route: its request schemas drive both validation and the OpenAPI
 * document, so the documentation cannot drift from what the server accepts.
 */
export interface RouteSpec {
  method: Method;
  /** Express path under /api, e.g. `/orders/:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: boolean;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** Schema of `data` in the success envelope (documentation only). */
  data?: ZodType;
  status?: number;
  /**
   * What an authenticated route does, as its policy names it: the `mini_user` actor must be allowed
   * `verb` on `resource` (server/policies) before the handler runs — given `record` when the route
   * knows the row up front; the services then touch only rows whose userId is the actor's.
   */
  policy?: { verb: string; resource: string; record?: (req: Request) => unknown };
  /** Extra middleware before validation (rate limits). */
  before?: RequestHandler[];
  /** Absent for routes documented here but mounted elsewhere (raw body, other helpers' routers). */
  handler?: (req: Request, res: Response) => Promise<unknown>;
}

/** Middleware: the mini-program user of the request must be allowed `verb` on `resource` (server/policies), or the request is refused. */
export const policyCheck =
  (userIdOf: (req: Request) => string | number, verb: string, resource: string, record?: (req: Request) => unknown): RequestHandler =>
  (req, _res, next) => {
    try {
      authorize(miniUserActor(userIdOf(req)), verb, resource, record?.(req));
    } catch (err) {
      return next(err);
    }
    next();
  };

export function mountRoutes(router: Router, routes: RouteSpec[]): void {
  for (const r of routes) {
    if (!r.handler) continue;
    const chain: RequestHandler[] = [];
    if (r.auth) {
      const policy = r.policy;
      if (!policy) throw new Error(`${r.method.toUpperCase()} ${r.path}: an authenticated route names its policy`);
      chain.push(requireMiniUser, policyCheck(miniAuth.userIdOf, policy.verb, policy.resource, policy.record));
    }
    chain.push(...(r.before ?? []));
    if (r.params || r.query || r.body) chain.push(validate({ params: r.params, query: r.query, body: r.body }));
    chain.push(handle(r.handler));
    router[r.method](r.path, ...chain);
  }
}

/** JSON Schema (OpenAPI 3.0 dialect) of a zod schema's input side; shared with the /open document. */
export const jsonSchema = (schema: ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;

export function parametersOf(schema: ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

const envelope = (data: Record<string, unknown>) => ({
  type: 'object',
  required: ['success', 'code', 'message', 'data'],
  properties: { success: { type: 'boolean', enum: [true] }, code: { type: 'integer', enum: [0] }, message: { type: 'string' }, data },
});

/** OpenAPI 3.0 for the given routes. */
export function buildOpenApi(routes: RouteSpec[], info: { title: string; version: string; description: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api${r.path.replace(/:(\w+)/g, '{$1}')}`;
    paths[path] ??= {};
    paths[path][r.method] = {
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      operationId: `${r.method}${r.path.replace(/[/:-](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
      ...(r.auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: {
          description: 'OK',
          content: { 'application/json': { schema: envelope(r.data ? jsonSchema(r.data) : {}) } },
        },
        '400': { $ref: '#/components/responses/BadRequest' },
        ...(r.auth ? { '401': { $ref: '#/components/responses/Unauthorized' }, '403': { $ref: '#/components/responses/Forbidden' } } : {}),
        '429': { $ref: '#/components/responses/TooMany' },
      },
    };
  }
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
  });
  return {
    openapi: '3.0.3',
    info,
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        ErrorEnvelope: {
          type: 'object',
          required: ['success', 'code', 'message'],
          properties: {
            success: { type: 'boolean', enum: [false] },
            code: { type: 'integer', description: '1xxx 通用, 2xxx 用户, 3xxx 商品, 4xxx 订单, 5xxx 积分/库存, 6xxx 支付' },
            reason: { type: 'string' },
            message: { type: 'string' },
          },
        },
      },
      responses: {
        BadRequest: error('输入无效'),
        Unauthorized: error('未登录或登录已过期：请重新登录'),
        Forbidden: error('账号已冻结或无权操作'),
        TooMany: error('请求过于频繁'),
      },
    },
  };
}
