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

function bad(res: Response, locals: SignedLocals, message: string) {
  sendSigned(res, 400, { valid: false, reason: 'BAD_REQUEST', message, server_time: Date.now() }, locals.project, locals.nonce);
}

/** POST /open/v1/card-keys/verify and GET /open/v1/card-keys/:code. */
export function cardKeysOpenRouter(): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: '16kb' });

  router.post(
    '/v1/card-keys/verify',
    raw,
    signedRequest(),
    handle(async (req: Request, res: Response) => {
      const locals = res.locals as SignedLocals;
      let json: unknown;
      try {
        json = JSON.parse(locals.body.toString('utf8') || '{}');
      } catch {
        return bad(res, locals, '请求体不是合法的 JSON');
      }
      const parsed = verifyRequestBody.safeParse(json);
      if (!parsed.success) return bad(res, locals, localizedIssues(parsed.error)['zh-CN']);
      const { data: body } = parsed;
      const deviceId = body.device_id;
      const code = normalizeCode(body.card_key);
      if (!code) {
        return sendSigned(res, 200, presentOutcome(String(body.card_key ?? '').slice(0, 64), { valid: false, reason: 'NOT_FOUND', key: null, activated: false }), locals.project, locals.nonce);
      }
      const outcome = await verifyCardKey(locals.project, { code, deviceId, deviceInfo: body.device_info, ip: req.ip ?? null });
      sendSigned(res, 200, presentOutcome(code, outcome), locals.project, locals.nonce);
    }),
  );

  router.get(
    '/v1/card-keys/:code',
    raw,
    signedRequest(),
    handle(async (req: Request, res: Response) => {
      const locals = res.locals as SignedLocals;
      const code = normalizeCode(req.params.code);
      const found = code ? await queryCardKey(locals.project, code) : null;
      if (!found) {
        return sendSigned(res, 404, { found: false, reason: 'NOT_FOUND', message: '卡密不存在', card_key: String(req.params.code).slice(0, 64), server_time: Date.now() }, locals.project, locals.nonce);
      }
      sendSigned(res, 200, { found: true, reason: 'OK', ...found, server_time: Date.now() }, locals.project, locals.nonce);
    }),
  );
  return router;
}
