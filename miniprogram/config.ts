/**
 * The API server per environment — the one place to change them. `envVersion` is WeChat's:
 * develop (DevTools and developer previews), trial (体验版), release (正式版). Each https host
 * must be whitelisted as a request domain (服务器域名 → request合法域名) in the WeChat console.
 *
 * `simulator` (develop only) is a local WeChat simulator (`npm run wechat:sim`): login codes and
 * payments come from it, because a local server cannot accept DevTools' real WeChat codes.
 */
export interface EnvConfig {
  apiBase: string;
  simulator?: string;
}

export const ENVIRONMENTS: Record<'develop' | 'trial' | 'release', EnvConfig> = {
  develop: { apiBase: 'http://127.0.0.1:3000', simulator: 'http://127.0.0.1:3900' },
  trial: { apiBase: 'https://api-trial.seahorse.example.com' },
  release: { apiBase: 'https://api.seahorse.example.com' },
};

export function envConfig(): EnvConfig {
  let env: keyof typeof ENVIRONMENTS = 'release';
  try {
    env = wx.getAccountInfoSync().miniProgram.envVersion;
  } catch {
    env = 'release';
  }
  return ENVIRONMENTS[env] ?? ENVIRONMENTS.release;
}

/** Support contact shown on the payment-failure page (客服). */
export const SUPPORT_PHONE = '400-000-0000';
