import { AppError } from '../../errors.js';
import { MiniUser } from '../../models/index.js';
import { readToken, tokenInvalid } from './tokens.js';

export const userFrozen = () => new AppError(403, 2403, 'USER_FROZEN', '账号已被冻结，请联系客服');

/**
 * The user behind an access or refresh token, checked against the database on every call:
 * a frozen account is refused (403) and a token older than the user's token_version is dead (401).
 */
export async function userFromToken(token: string, kind: 'access' | 'refresh'): Promise<MiniUser> {
  const { userId, tokenVersion } = await readToken(token, kind);
  const user = await MiniUser.findByPk(userId);
  if (!user || user.tokenVersion !== tokenVersion) throw tokenInvalid();
  if (user.status !== 1) throw userFrozen();
  return user;
}
