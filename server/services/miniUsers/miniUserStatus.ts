import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { say } from '../../i18n.js';
import { MiniUser } from '../../models/index.js';
import { readToken, tokenInvalid, tokenRevoked } from './tokens.js';

export const userFrozen = () => new AppError(403, 2403, 'USER_FROZEN', say('账号已被冻结，请联系客服', 'This account is frozen, please contact support'));

/**
 * The user behind an access token, checked against the database on every call: a frozen account
 * is refused (403); a token older than the user's token_version, or of a login that was logged
 * out or revoked for refresh-token reuse, is dead (401).
 */
export async function userFromToken(token: string): Promise<MiniUser> {
  const { userId, tokenVersion, familyId } = await readToken(token, 'access');
  const [user, families] = await Promise.all([
    MiniUser.findByPk(userId),
    db().query<{ revoked_at: Date | null }>('SELECT revoked_at FROM mini_token_families WHERE id = :familyId AND user_id = :userId', {
      replacements: { familyId, userId },
      type: QueryTypes.SELECT,
    }),
  ]);
  if (!user || user.tokenVersion !== tokenVersion) throw tokenInvalid();
  const family = families[0];
  if (!family || family.revoked_at) throw tokenRevoked();
  if (user.status !== 1) throw userFrozen();
  return user;
}
