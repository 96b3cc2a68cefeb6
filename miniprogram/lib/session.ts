/**
 * The login kept on the device: our access and refresh tokens with their expiry times (ms).
 * Read from storage on every use, so every page sees the same login.
 */
export interface Session {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
}

const KEY = 'seahorse.session';

export function loadSession(): Session | null {
  const value = wx.getStorageSync(KEY) as Session | '' | undefined;
  return value && typeof value === 'object' && value.accessToken ? value : null;
}

export function saveSession(tokens: { accessToken: string; accessExpiresIn: number; refreshToken: string; refreshExpiresIn: number }, now = Date.now()): Session {
  const session: Session = {
    accessToken: tokens.accessToken,
    accessExpiresAt: now + tokens.accessExpiresIn * 1000,
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: now + tokens.refreshExpiresIn * 1000,
  };
  wx.setStorageSync(KEY, session);
  return session;
}

export function clearSession(): void {
  wx.removeStorageSync(KEY);
}
