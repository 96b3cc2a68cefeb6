import express, { Router, type Request, type Response } from 'express';
import { handle } from '../../http/envelope.js';
import { localizedIssues } from '../../lib/input.js';
import { normalizeCode } from '../../services/cardKeys/codes.js';
import { queryCardKey } from '../../services/cardKeys/queryCardKey.js';
import { verifyCardKey, verifyRequestBody, type VerifyOutcome } from '../../services/cardKeys/verifyCardKey.js';
import { sendSigned, signedRequest, type SignedLocals } from './signedRequest.js';

const MESSAGES: Record<string, string> = {
  OK: '验证通过',
  NOT_FOUND: '卡密不存在',
  DISABLED: '卡密已被禁用',
  EXPIRED: '卡密已过期',
  DEVICE_MISMATCH: '卡密已绑定其他设备',
  PROJECT_DISABLED: '项目已停用',
  REVOKED: '卡密已作废',
  REDEEMED: '卡密已兑换',
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function presentOutcome(code: string, o: VerifyOutcome, now = Date.now()) {
  const expiresAt = o.key?.expiresAt ?? null;
  return {
    valid: o.valid,
    reason: o.reason,
    message: MESSAGES[o.reason] ?? o.reason,
    card_key: code,
    status: o.key ? (o.reason === 'EXPIRED' ? 'expired' : o.key.status) : null,
    activated: o.activated,
    activated_at: iso(o.key?.activatedAt ?? null),
    expires_at: iso(expiresAt),
    permanent: o.key ? expiresAt === null && o.key.durationDays === null : null,
    remaining_seconds: o.valid ? (expiresAt === null ? null : Math.max(0, Math.floor((expiresAt - now) / 1000))) : 0,
    server_time: now,
  };
}

type Reply = (status: number, body: object) => void;

/** A signed open-API route: the raw body, the signature check, then `work` with a reply that signs its answer. */
const signedRoute = (work: (req: Request, locals: SignedLocals, reply: Reply) => Promise<void>) => [
  express.raw({ type: () => true, limit: '16kb' }),
  signedRequest(),
  handle(async (req: Request, res: Response) => {
    const locals = res.locals as SignedLocals;
    await work(req, locals, (status, body) => sendSigned(res, status, body, locals.project, locals.nonce));
  }),
];

const badRequest = (reply: Reply, message: string) => reply(400, { valid: false, reason: 'BAD_REQUEST', message, server_time: Date.now() });

/** POST /open/v1/card-keys/verify and GET /open/v1/card-keys/:code. */
export function cardKeysOpenRouter(): Router {
  const router = Router();

  router.post(
    '/v1/card-keys/verify',
    ...signedRoute(async (req, locals, reply) => {
      let json: unknown;
      try {
        json = JSON.parse(locals.body.toString('utf8') || '{}');
      } catch {
        return badRequest(reply, '请求体不是合法的 JSON');
      }
      const parsed = verifyRequestBody.safeParse(json);
      if (!parsed.success) return badRequest(reply, localizedIssues(parsed.error)['zh-CN']);
      const { data: body } = parsed;
      const code = normalizeCode(body.card_key);
      if (!code) return reply(200, presentOutcome(String(body.card_key ?? '').slice(0, 64), { valid: false, reason: 'NOT_FOUND', key: null, activated: false }));
      const outcome = await verifyCardKey(locals.project, { code, deviceId: body.device_id, deviceInfo: body.device_info, ip: req.ip ?? null });
      reply(200, presentOutcome(code, outcome));
    }),
  );

  router.get(
    '/v1/card-keys/:code',
    ...signedRoute(async (req, locals, reply) => {
      const code = normalizeCode(req.params.code);
      const found = code ? await queryCardKey(locals.project, code) : null;
      if (!found) return reply(404, { found: false, reason: 'NOT_FOUND', message: '卡密不存在', card_key: String(req.params.code).slice(0, 64), server_time: Date.now() });
      reply(200, { found: true, reason: 'OK', ...found, server_time: Date.now() });
    }),
  );
  return router;
}
