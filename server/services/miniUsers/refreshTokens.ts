import { userFromToken } from './miniUserStatus.js';
import { issueTokens, type TokenPair } from './tokens.js';

/** A new token pair for a valid refresh token of a user who is still active. */
export async function refreshTokens(refreshToken: string): Promise<TokenPair> {
  return issueTokens(await userFromToken(refreshToken, 'refresh'));
}
