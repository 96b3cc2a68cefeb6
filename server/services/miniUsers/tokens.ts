import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { config } from '../../config.js';
import { AppError } from '../../errors.js';

const ISSUER = 'seahorse';
const AUDIENCE = { access: 'seahorse-mini', refresh: 'seahorse-mini-refresh' } as const;

export interface TokenPair {
  accessToken: string;
  accessExpiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  tokenType: 'Bearer';
}

export const tokenExpired = () => new AppError(401, 2401, 'TOKEN_EXPIRED', '登录已过期，请重新登录');
export const tokenInvalid = () => new AppError(401, 2402, 'TOKEN_INVALID', '登录状态无效，请重新登录');

const secret = () => new TextEncoder().encode(config().JWT_SECRET);

/**
 * Our own tokens for a mini-program user: a short-lived access JWT and a refresh JWT, both carrying
 * the user's `token_version` — bumping it (freeze, "log out everywhere") kills every token at once.
 */
export async function issueTokens(user: { id: string; tokenVersion: number }): Promise<TokenPair> {
  const cfg = config();
  const sign = (audience: string, ttl: number) =>
    new SignJWT({ tv: user.tokenVersion })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(secret());
  return {
    accessToken: await sign(AUDIENCE.access, cfg.MINI_ACCESS_TTL_SECONDS),
    accessExpiresIn: cfg.MINI_ACCESS_TTL_SECONDS,
    refreshToken: await sign(AUDIENCE.refresh, cfg.MINI_REFRESH_TTL_SECONDS),
    refreshExpiresIn: cfg.MINI_REFRESH_TTL_SECONDS,
    tokenType: 'Bearer',
  };
}

/** The user id and token version inside a valid token of that kind; 401 otherwise. */
export async function readToken(token: string, kind: keyof typeof AUDIENCE): Promise<{ userId: string; tokenVersion: number }> {
  try {
    const { payload } = await jwtVerify(token, secret(), { issuer: ISSUER, audience: AUDIENCE[kind], algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.tv !== 'number') throw tokenInvalid();
    return { userId: payload.sub, tokenVersion: payload.tv };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw tokenExpired();
    if (err instanceof AppError) throw err;
    throw tokenInvalid();
  }
}
