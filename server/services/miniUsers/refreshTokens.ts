import { QueryTypes } from 'sequelize';
import { db, inTransaction } from '../../db/index.js';
import { MiniUser } from '../../models/index.js';
import { userFrozen } from './miniUserStatus.js';
import { issueInFamily, readToken, refreshTokenReused, tokenInvalid, tokenRevoked, type TokenClaims, type TokenPair } from './tokens.js';

interface TokenRow {
  used_at: Date | null;
  revoked_at: Date | null;
}

/**
 * Rotation: a refresh token works once. Under its row lock the token is marked used and its
 * successor is issued in the same family. A token that was already used is a copy (the owner's
 * client only ever holds the newest one): the whole family — the thief's tokens and the owner's,
 * access tokens included — is revoked and committed before the refusal, so both must log in again.
 */
export async function refreshTokens(refreshToken: string): Promise<TokenPair> {
  const claims: Record<string, unknown> & TokenClaims = { ...(await readToken(refreshToken, 'refresh')) };
  const outcome = await inTransaction(async (t): Promise<TokenPair | 'reused' | 'revoked'> => {
    const [row] = await db().query<TokenRow>(
      `SELECT r.used_at, f.revoked_at
         FROM mini_refresh_tokens r JOIN mini_token_families f ON f.id = r.family_id
        WHERE r.id = :tokenId AND f.id = :familyId AND f.user_id = :userId
          FOR UPDATE OF r, f`,
      { replacements: claims, type: QueryTypes.SELECT, transaction: t },
    );
    if (!row) throw tokenInvalid();
    if (row.revoked_at) return 'revoked';
    if (row.used_at) {
      await db().query(`UPDATE mini_token_families SET revoked_at = now(), revoked_reason = 'reuse' WHERE id = :familyId`, {
        replacements: claims,
        transaction: t,
      });
      return 'reused';
    }
    const user = await MiniUser.findByPk(claims.userId, { transaction: t });
    if (!user || user.tokenVersion !== claims.tokenVersion) throw tokenInvalid();
    if (user.status !== 1) throw userFrozen();
    const { refreshTokenId, ...pair } = await issueInFamily(user, claims.familyId, t);
    // Tokens past their expiry can no longer be presented (the JWT check refuses them first).
    await db().query(
      `UPDATE mini_refresh_tokens SET used_at = now(), replaced_by = :next WHERE id = :tokenId;
       DELETE FROM mini_refresh_tokens WHERE family_id = :familyId AND expires_at < now()`,
      { replacements: { ...claims, next: refreshTokenId }, transaction: t },
    );
    return pair;
  });
  if (outcome === 'reused') throw refreshTokenReused();
  if (outcome === 'revoked') throw tokenRevoked();
  return outcome;
}

/**
 * Logout: the refresh token's whole login (family) is revoked, so neither it nor any access token
 * of that login works again. Logging out a login that already ended is not an error.
 */
export async function logout(refreshToken: string): Promise<{ loggedOut: true }> {
  const claims: Record<string, unknown> & TokenClaims = { ...(await readToken(refreshToken, 'refresh')) };
  const [, count] = await db().query(
    `UPDATE mini_token_families SET revoked_at = COALESCE(revoked_at, now()), revoked_reason = COALESCE(revoked_reason, 'logout')
      WHERE id = :familyId AND user_id = :userId
        AND EXISTS (SELECT 1 FROM mini_refresh_tokens WHERE id = :tokenId AND family_id = :familyId)`,
    { replacements: claims, type: QueryTypes.UPDATE },
  );
  if (!count) throw tokenInvalid();
  return { loggedOut: true };
}
