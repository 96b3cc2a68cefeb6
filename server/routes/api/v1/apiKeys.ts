import { Router, type Request, type RequestHandler } from 'express';
import { handle, ok, validate } from '../../../http/envelope.js';
import { policyCheck } from '../routeSpec.js';
import { listActiveApis } from '../../../services/apiKeys/catalog.js';
import { deleteApiKeys, setApiKeysEnabled, updateApiKey } from '../../../services/apiKeys/changeApiKeys.js';
import { createApiKey } from '../../../services/apiKeys/createApiKey.js';
import type { KeyActor } from '../../../services/apiKeys/actor.js';
import { apiKeyAccessInput, setApiKeyAccess } from '../../../services/apiKeys/changeApiKeyAccess.js';
import { apiKeyDailyStats, apiKeyNotFound } from '../../../services/apiKeys/keyStats.js';
import { listApiKeys } from '../../../services/apiKeys/listApiKeys.js';
import { batchBody, createBody, keyParams, listQuery, updateBody } from './apiKeys.schema.js';

export interface MiniUserAuth {
  /** Refuses the request (401 envelope) unless it carries a valid mini-program user token. */
  authenticate: RequestHandler;
  /** The authenticated mini-program user's id (`meta_user.id`). */
  userIdOf(req: Request): string;
}

/**
 * `/v1/api-keys` — a mini-program user's API keys. Every handler acts only on the
 * authenticated user's own keys; the full key appears once, in the 201 answer to POST.
 *
 *   GET    /v1/api-keys?page&pageSize&status=active|disabled|expired|out_of_points&name=
 *   GET    /v1/api-keys/apis             the catalog entries a key's scope may name
 *   POST   /v1/api-keys                  {name, validityMonths: 1|3|6|12, scopeAll?, apiIds?, ipWhitelist?}
 *   GET    /v1/api-keys/:id              one key (as in the list)
 *   GET    /v1/api-keys/:id/stats        calls and points per day, last 30 days
 *   PATCH  /v1/api-keys/:id              {name?, enabled?}
 *   PUT    /v1/api-keys/:id/access       {scopeAll?, apiIds?, ipWhitelist?}
 *   DELETE /v1/api-keys/:id
 *   POST   /v1/api-keys/batch            {action: enable|disable|delete, ids: [...]}
 */
export function apiKeysRouter(auth: MiniUserAuth): Router {
  const router = Router();
  const actorOf = (req: Request): KeyActor => ({ kind: 'mini_user', userId: auth.userIdOf(req), ip: req.ip ?? null });
  /** The mini_user actor must be allowed `verb` on API keys (server/policies/apiKeys.ts); the rows are then the actor's own. */
  const allowed = (verb: string): RequestHandler => policyCheck(auth.userIdOf, verb, 'meta_auth_key');
  router.use('/v1/api-keys', auth.authenticate);

  router.get(
    '/v1/api-keys',
    allowed('listOwn'),
    validate({ query: listQuery }),
    handle(async (req, res) => ok(res, await listApiKeys(auth.userIdOf(req), req.query as never))),
  );

  router.get(
    '/v1/api-keys/apis',
    allowed('listOwn'),
    handle(async (_req, res) => ok(res, await listActiveApis())),
  );

  router.get(
    '/v1/api-keys/:id',
    allowed('view'),
    validate({ params: keyParams }),
    handle(async (req, res) => {
      const id = (req.params as { id: string }).id;
      const [key] = (await listApiKeys(auth.userIdOf(req), { page: 1, pageSize: 1, id })).items;
      if (!key) throw apiKeyNotFound();
      ok(res, key);
    }),
  );

  router.get(
    '/v1/api-keys/:id/stats',
    allowed('view'),
    validate({ params: keyParams }),
    handle(async (req, res) => ok(res, await apiKeyDailyStats(auth.userIdOf(req), (req.params as { id: string }).id))),
  );

  router.put(
    '/v1/api-keys/:id/access',
    allowed('manage'),
    validate({ params: keyParams, body: apiKeyAccessInput }),
    handle(async (req, res) => ok(res, await setApiKeyAccess(actorOf(req), (req.params as { id: string }).id, req.body))),
  );

  router.post(
    '/v1/api-keys',
    allowed('createKey'),
    validate({ body: createBody }),
    handle(async (req, res) => ok(res, await createApiKey({ userId: auth.userIdOf(req), ip: req.ip ?? null }, req.body), 201)),
  );

  router.patch(
    '/v1/api-keys/:id',
    allowed('manage'),
    validate({ params: keyParams, body: updateBody }),
    handle(async (req, res) => ok(res, await updateApiKey(actorOf(req), (req.params as { id: string }).id, req.body as { name?: string; enabled?: boolean }))),
  );

  router.delete(
    '/v1/api-keys/:id',
    allowed('manage'),
    validate({ params: keyParams }),
    handle(async (req, res) => ok(res, await deleteApiKeys(actorOf(req), [(req.params as { id: string }).id]))),
  );

  router.post(
    '/v1/api-keys/batch',
    allowed('manage'),
    validate({ body: batchBody }),
    handle(async (req, res) => {
      const { action, ids } = req.body as { action: 'enable' | 'disable' | 'delete'; ids: string[] };
      const actor = actorOf(req);
      if (action === 'delete') return ok(res, { action, ...(await deleteApiKeys(actor, ids)) });
      const { changed } = await setApiKeysEnabled(actor, ids, action === 'enable');
      ok(res, { action, changed });
    }),
  );

  return router;
}
