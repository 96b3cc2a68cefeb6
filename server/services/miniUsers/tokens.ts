import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { QueryTypes, type Transaction } from 'sequelize';
import { config } from '../../config.js';
import { db, inTransaction } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { say } from '../../i18n.js';

const ISSUER = 'seahorse';
const AUDIENCE = { access: 'seahorse-mini', refresh: 'seahorse-mini-refresh' } as const;

export interface TokenPair {
  accessToken: string;
  accessExpiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  tokenType: 'Bearer';
}

export const tokenExpired = () => new AppError(401, 2401, 'TOKEN_EXPIRED', say('登录已过期，请重新登录', 'Your login has expired, please log in again'));
export const tokenInvalid = () => new AppError(401, 2402, 'TOKEN_INVALID', say('登录状态无效，请重新登录', 'Your login is no longer valid, please log in again'));
export const tokenRevoked = () => new AppError(401, 2404, 'TOKEN_REVOKED', say('登录已失效，请重新登录', 'This login was ended, please log in again'));
export const refreshTokenReused = () =>
  new AppError(401, 2405, 'REFRESH_TOKEN_REUSED', say('登录凭证已被使用过，为保护账号已退出登录，请重新登录', 'This login token was already used; to protect the account you were logged out. Please log in again'));

const secret = () => new TextEncoder().encode(config().JWT_SECRET);

/** What a valid token of ours says. */
export interface TokenClaims {
  userId: string;
  tokenVersion: number;
  /** The login (token family) the token belongs to. */
  familyId: string;
  /** The token's own id (jti): for a refresh token, its row in mini_refresh_tokens. */
  tokenId: string;
}

async function sign(claims: Omit<TokenClaims, 'tokenId'>, kind: keyof typeof AUDIENCE, tokenId: string, ttl: number): Promise<string> {
  return new SignJWT({ tv: claims.tokenVersion, fid: claims.familyId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE[kind])
    .setJti(tokenId)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(secret());
}

/**
 * A token pair inside `familyId`: the refresh token's id is written to mini_refresh_tokens (never
 * the token) and the family's expiry moves to the new refresh token's. Runs in the caller's
 * transaction, so a rotation and its successor commit together.
 */
export async function issueInFamily(user: { id: string; tokenVersion: number }, familyId: string, t: Transaction): Promise<TokenPair & { refreshTokenId: string }> {
  const cfg = config();
  const refreshTokenId = randomUUID();
  const expiresAt = new Date(Date.now() + cfg.MINI_REFRESH_TTL_SECONDS * 1000);
  await db().query(
    `INSERT INTO mini_refresh_tokens (id, family_id, expires_at) VALUES (:id, :familyId, :expiresAt);
     UPDATE mini_token_families SET expires_at = :expiresAt WHERE id = :familyId`,
    { replacements: { id: refreshTokenId, familyId, expiresAt }, transaction: t },
  );
  const claims = { userId: user.id, tokenVersion: user.tokenVersion, familyId };
  return {
    accessToken: await sign(claims, 'access', randomUUID(), cfg.MINI_ACCESS_TTL_SECONDS),
    accessExpiresIn: cfg.MINI_ACCESS_TTL_SECONDS,
    refreshToken: await sign(claims, 'refresh', refreshTokenId, cfg.MINI_REFRESH_TTL_SECONDS),
    refreshExpiresIn: cfg.MINI_REFRESH_TTL_SECONDS,
    refreshTokenId,
    tokenType: 'Bearer',
  };
}

/**
 * A new login: a new token family and its first pair. The user's families that can no longer be
 * used (past their expiry) are deleted here, so the tables hold only live logins.
 */
export async function issueTokens(user: { id: string; tokenVersion: number }): Promise<TokenPair> {
  return inTransaction(async (t) => {
    await db().query('DELETE FROM mini_token_families WHERE user_id = :userId AND expires_at < now()', {
      replacements: { userId: user.id },
      transaction: t,
    });
    const [family] = await db().query<{ id: string }>(
      `INSERT INTO mini_token_families (user_id, expires_at) VALUES (:userId, now()) RETURNING id`,
      { replacements: { userId: user.id }, type: QueryTypes.SELECT, transaction: t },
    );
    const { refreshTokenId: _id, ...pair } = await issueInFamily(user, family!.id, t);
    return pair;
  });
}

/** The claims of a valid token of that kind; 401 otherwise (expired → TOKEN_EXPIRED). */
export async function readToken(token: string, kind: keyof typeof AUDIENCE): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, secret(), { issuer: ISSUER, audience: AUDIENCE[kind], algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.tv !== 'number' || typeof payload.fid !== 'string' || typeof payload.jti !== 'string') {
      throw tokenInvalid();
    }
    return { userId: payload.sub, tokenVersion: payload.tv, familyId: payload.fid, tokenId: payload.jti };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw tokenExpired();
    if (err instanceof AppError) throw err;
    throw tokenInvalid();
  }
}
