export { wxLogin, type WxLoginInput } from './wxLogin.js';
export { logout, refreshTokens } from './refreshTokens.js';
export { updateProfile } from './updateProfile.js';
export { setMiniUserStatus } from './setMiniUserStatus.js';
export { userFromToken, userFrozen } from './miniUserStatus.js';
export { issueTokens, readToken, refreshTokenReused, tokenExpired, tokenInvalid, tokenRevoked, type TokenPair } from './tokens.js';
export { presentMiniUser, type MiniUserView } from './presentMiniUser.js';
export { assertHttpsUrl, httpsUrl } from './userUrls.js';
export { getMiniUserSettings, updateMiniUserSettings, type MiniUserSettings } from './settings.js';
