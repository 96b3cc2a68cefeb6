export { wxLogin, type WxLoginInput } from './wxLogin.js';
export { refreshTokens } from './refreshTokens.js';
export { updateProfile } from './updateProfile.js';
export { setMiniUserStatus } from './setMiniUserStatus.js';
export { userFromToken, userFrozen } from './miniUserStatus.js';
export { issueTokens, readToken, tokenExpired, tokenInvalid, type TokenPair } from './tokens.js';
export { presentMiniUser, type MiniUserView } from './presentMiniUser.js';
