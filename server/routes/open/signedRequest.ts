import { createHash, createHmac, sign, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { config } from '../../config.js';
import { logger } from '../../logger.js';
import { redis, redisKey } from '../../redis.js';
import { projectByAppKey, type ProjectCredentials } from '../../services/projects/projectCredentials.js';

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

let limiters: { ip: RateLimiterRedis; app: RateLimiterRedis } | undefined;

/** Limits live in Redis so they hold across processes; a client over the limit is blocked for a while. */
function rateLimiters() {
  if (!limiters) {
    const cfg = config();
    const common = { storeClient: redis(), duration: 60, blockDuration: cfg.OPEN_RATE_BLOCK_SECONDS, useRedisPackage: false };
    limiters = {
      ip: new RateLimiterRedis({ ...common, keyPrefix: redisKey('rl', 'open-ip'), points: cfg.OPEN_RATE_IP_PER_MINUTE, inMemoryBlockOnConsumed: cfg.OPEN_RATE_IP_PER_MINUTE }),
      app: new RateLimiterRedis({ ...common, keyPrefix: redisKey('rl', 'open-app'), points: cfg.OPEN_RATE_APP_PER_MINUTE, inMemoryBlockOnConsumed: cfg.OPEN_RATE_APP_PER_MINUTE }),
    };
  }
  return limiters;
}

/** Tests change the limits through setConfig; the next request builds limiters from the new values. */
export function resetRateLimiters(): void {
  limiters = undefined;
}

const consume = (limiter: RateLimiterRedis, key: string): Promise<RateLimiterRes | null> =>
  limiter.consume(key).then(
    () => null,
    (rej: unknown) => {
      if (rej instanceof RateLimiterRes) return rej;
      // Redis trouble must not take verification down with it; the nonce check below still needs Redis.
      logger().warn({ err: rej }, 'rate limiter unavailable');
      return null;
    },
  );

/**
 * Rate limits (per IP, per app key), app key, timestamp window, HMAC signature (current secret, or
 * the previous one during its grace period) and single-use nonce. The three Redis checks run in parallel.
 */
export function signedRequest(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const appKey = req.get('x-app-key') ?? '';
      const timestamp = req.get('x-timestamp') ?? '';
      const nonce = req.get('x-nonce') ?? '';
      const signature = req.get('x-signature') ?? '';
      const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
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

      const { ip: ipLimiter, app: appLimiter } = rateLimiters();
      const [ipLimited, appLimited, nonceFresh] = await Promise.all([
        consume(ipLimiter, ip),
        project ? consume(appLimiter, project.appKey) : Promise.resolve(null),
        problem ? Promise.resolve(true) : redis().set(redisKey('open-nonce', project!.appKey, nonce), '1', 'EX', NONCE_TTL_SECONDS, 'NX').then((r) => r === 'OK'),
      ]);
      const limited = ipLimited ?? appLimited;
      const signedNonce = problem ? null : nonce;
      if (limited) {
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(limited.msBeforeNext / 1000))));
        return refuse(res, 429, 'RATE_LIMITED', '请求过于频繁，已被暂时封禁', project, signedNonce);
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
