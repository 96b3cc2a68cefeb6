import { createHash, createHmac, sign, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { config } from '../../config.js';
import { addressBucket } from '../../lib/clientAddress.js';
import { logger } from '../../logger.js';
import { createRedis, redisKey } from '../../redis.js';
import { projectByAppKey, type ProjectCredentials } from '../../services/projects/projectCredentials.js';
import type { CallLogLocals } from './callLog.js';

/**
 * The signed open-API protocol (docs/card-key-api.md):
 *   X-Signature = hex HMAC-SHA256(app_secret, METHOD\nPATH\nTIMESTAMP\nNONCE\nSHA256_HEX(BODY))
 * over the raw body bytes; answers are signed with the project's Ed25519 key over NONCE\nBODY.
 */
export const TIMESTAMP_WINDOW_MS = 5 * 60_000;
const NONCE_TTL_SECONDS = 2 * (TIMESTAMP_WINDOW_MS / 1000);
const NONCE = /^[A-Za-z0-9_-]{8,64}$/;

export function requestSigningString(method: string, path: string, timestamp: string, nonce: string, body: Buffer): string {
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${createHash('sha256').update(body).digest('hex')}`;
}

export function responseSigningBytes(nonce: string, body: string): Buffer {
  return Buffer.from(`${nonce}\n${body}`, 'utf8');
}

function hmacMatches(secret: string, message: string, signatureHex: string): boolean {
  const expected = createHmac('sha256', secret).update(message).digest();
  if (!/^[0-9a-fA-F]{64}$/.test(signatureHex)) return false;
  return timingSafeEqual(expected, Buffer.from(signatureHex, 'hex'));
}

export interface SignedLocals {
  project: ProjectCredentials;
  nonce: string;
  body: Buffer;
}

/** Sends `payload` as JSON signed for the caller when the project is known (header X-Response-Signature). */
export function sendSigned(res: Response, status: number, payload: object, project: ProjectCredentials | null, nonce: string | null): void {
  const body = JSON.stringify(payload);
  Object.assign(res.locals, { callReason: (payload as { reason?: string }).reason ?? null, callProjectId: project?.id ?? null } satisfies CallLogLocals);
  res.status(status).setHeader('Content-Type', 'application/json; charset=utf-8');
  if (project && nonce) {
    res.setHeader('X-Nonce', nonce);
    res.setHeader('X-Sign-Algorithm', 'Ed25519');
    res.setHeader('X-Response-Signature', sign(null, responseSigningBytes(nonce, body), project.signKey).toString('base64'));
  }
  res.end(body);
}

const refuse = (res: Response, status: number, reason: string, message: string, project: ProjectCredentials | null = null, nonce: string | null = null) =>
  sendSigned(res, status, { valid: false, reason, message, server_time: Date.now() }, project, nonce);

/**
 * Per-address and per-app-key fixed-window limits with a temporary ban, and the single-use nonce, in ONE
 * Redis script call per request (the hot path cannot afford a round trip per check). Counters live
 * in Redis, so the limits hold across every web process.
 * Returns [ms the IP is still banned, ms the app key is still banned, 1 if the nonce was fresh].
 */
const GUARD_SCRIPT = `
local function hit(counter, ban, limit)
  local banned = redis.call('PTTL', ban)
  if banned > 0 then return banned end
  local n = redis.call('INCR', counter)
  if n == 1 then redis.call('PEXPIRE', counter, ARGV[2]) end
  if n > tonumber(limit) then
    redis.call('SET', ban, '1', 'EX', ARGV[5])
    return tonumber(ARGV[5]) * 1000
  end
  return 0
end
local ipWait = hit(KEYS[2], KEYS[3], ARGV[3])
local appWait = 0
if tonumber(ARGV[4]) > 0 then appWait = hit(KEYS[4], KEYS[5], ARGV[4]) end
local fresh = 1
if ipWait == 0 and appWait == 0 and tonumber(ARGV[1]) > 0 then
  if not redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX') then fresh = 0 end
end
return {ipWait, appWait, fresh}`;

type GuardClient = Redis & { seahorseOpenGuard(...args: Array<string | number>): Promise<[number, number, number]> };
let guardClient: GuardClient | undefined;

/** Its own connection with auto-pipelining: concurrent requests share socket writes. */
function guard(): GuardClient {
  if (!guardClient || guardClient.status === 'end') {
    guardClient = createRedis({ enableAutoPipelining: true, maxRetriesPerRequest: 2 }) as GuardClient;
    guardClient.defineCommand('seahorseOpenGuard', { numberOfKeys: 5, lua: GUARD_SCRIPT });
  }
  return guardClient;
}

const WINDOW_MS = 60_000;

async function checkGuard(ip: string, appKey: string | null, nonce: string | null): Promise<{ retryAfterMs: number; nonceFresh: boolean }> {
  const cfg = config();
  const window = Math.floor(Date.now() / WINDOW_MS);
  try {
    const [ipWait, appWait, fresh] = await guard().seahorseOpenGuard(
      redisKey('open-nonce', appKey ?? '-', nonce ?? '-'),
      redisKey('rl', 'open-ip', ip, window),
      redisKey('rl', 'open-ip-ban', ip),
      redisKey('rl', 'open-app', appKey ?? '-', window),
      redisKey('rl', 'open-app-ban', appKey ?? '-'),
      nonce && appKey ? NONCE_TTL_SECONDS : 0,
      WINDOW_MS,
      cfg.OPEN_RATE_IP_PER_MINUTE,
      appKey ? cfg.OPEN_RATE_APP_PER_MINUTE : 0,
      cfg.OPEN_RATE_BLOCK_SECONDS,
    );
    return { retryAfterMs: Math.max(Number(ipWait), Number(appWait)), nonceFresh: Number(fresh) === 1 };
  } catch (err) {
    // Without Redis neither limits nor replay protection can be checked: refuse rather than accept replays.
    logger().error({ err }, 'open API guard unavailable');
    throw err;
  }
}

/**
 * Rate limits (per IP, per app key), app key, timestamp window, HMAC signature (current secret, or
 * the previous one during its grace period) and single-use nonce. The Redis checks are one script call.
 */
export function signedRequest(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const appKey = req.get('x-app-key') ?? '';
      const timestamp = req.get('x-timestamp') ?? '';
      const nonce = req.get('x-nonce') ?? '';
      const signature = req.get('x-signature') ?? '';
      const ip = req.ip ?? 'unknown';
      const project = appKey && appKey.length <= 64 ? await projectByAppKey(appKey) : null;

      let problem: [number, string, string] | null = null;
      if (!appKey || !timestamp || !nonce || !signature) problem = [401, 'MISSING_SIGNATURE', '缺少签名请求头'];
      else if (!project) problem = [401, 'UNKNOWN_APP_KEY', 'app_key 不存在'];
      else if (!NONCE.test(nonce)) problem = [401, 'INVALID_NONCE', 'X-Nonce 须为 8-64 位字母、数字、_ 或 -'];
      else if (!/^\d{1,15}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > TIMESTAMP_WINDOW_MS)
        problem = [401, 'TIMESTAMP_OUT_OF_WINDOW', '时间戳与服务器时间相差超过 5 分钟'];
      else {
        const message = requestSigningString(req.method, req.originalUrl, timestamp, nonce, body);
        const current = hmacMatches(project.secret, message, signature);
        const previous =
          !current && project.previousSecret && project.previousSecretUntil !== null && project.previousSecretUntil > Date.now()
            ? hmacMatches(project.previousSecret, message, signature)
            : false;
        if (!current && !previous) problem = [401, 'BAD_SIGNATURE', '签名不正确'];
      }

      // Only a correctly signed request is counted against its app key: the key is public, so counting
      // anyone's request naming it would let strangers ban a project's real clients. Every request,
      // good or bad, counts against its address (an IPv6 client by its /64).
      const signed = problem === null;
      const { retryAfterMs, nonceFresh } = await checkGuard(addressBucket(ip), signed ? project!.appKey : null, signed ? nonce : null);
      if (retryAfterMs > 0) {
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
        return refuse(res, 429, 'RATE_LIMITED', '请求过于频繁，已被暂时封禁', project, null);
      }
      if (problem) return refuse(res, problem[0], problem[1], problem[2], project, null);
      if (!nonceFresh) return refuse(res, 401, 'NONCE_REUSED', '该 nonce 已使用过', project, null);
      (res.locals as SignedLocals).project = project!;
      (res.locals as SignedLocals).nonce = nonce;
      (res.locals as SignedLocals).body = body;
      next();
    })().catch(next);
  };
}
