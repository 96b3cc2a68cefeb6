import { WechatError } from './errors.js';

export interface WechatMiniOptions {
  baseUrl: string;
  appId: string;
  appSecret?: string;
  timeoutMs: number;
  /** Pause before retrying a "system busy" (-1) answer; tests shorten it. */
  busyRetryDelayMs?: number;
}

export interface Code2Session {
  openid: string;
  session_key: string;
  unionid?: string;
}

interface WxAnswer {
  errcode?: number;
  errmsg?: string;
}

/** Codes after which the call may simply be repeated. */
const RETRYABLE = new Set([-1]);
const TOKEN_INVALID = new Set([40001, 42001, 40014]);

/** Mini-program server APIs: code2session, the stable access token (cached), subscribe messages. */
export class WechatMiniClient {
  private token: { value: string; refreshAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(private readonly options: WechatMiniOptions) {}

  /** Exchanges a wx.login code; retries "system busy" twice. */
  async code2session(code: string): Promise<Code2Session> {
    const url = new URL('/sns/jscode2session', this.options.baseUrl);
    url.search = new URLSearchParams({
      appid: this.options.appId,
      secret: this.secret(),
      js_code: code,
      grant_type: 'authorization_code',
    }).toString();
    return (await this.withBusyRetry(() => this.request('GET', url))) as unknown as Code2Session;
  }

  /** The access token from /cgi-bin/stable_token, cached until five minutes before it expires. */
  async accessToken(forceRefresh = false): Promise<string> {
    if (!forceRefresh && this.token && Date.now() < this.token.refreshAt) return this.token.value;
    this.pendingToken ??= (async () => {
      try {
        const answer = (await this.withBusyRetry(() =>
          this.request('POST', new URL('/cgi-bin/stable_token', this.options.baseUrl), {
            grant_type: 'client_credential',
            appid: this.options.appId,
            secret: this.secret(),
            force_refresh: forceRefresh,
          }),
        )) as { access_token: string; expires_in: number };
        const lifetime = Math.max(60, Number(answer.expires_in) || 7200);
        this.token = { value: answer.access_token, refreshAt: Date.now() + Math.max(30, lifetime - 300) * 1000 };
        return answer.access_token;
      } finally {
        this.pendingToken = undefined;
      }
    })();
    return this.pendingToken;
  }

  /** Sends a subscribe message; a rejected token is refreshed once. */
  async sendSubscribeMessage(input: {
    touser: string;
    templateId: string;
    page?: string;
    data: Record<string, { value: string }>;
    miniprogramState?: 'developer' | 'trial' | 'formal';
  }): Promise<void> {
    const send = async (token: string) => {
      const url = new URL('/cgi-bin/message/subscribe/send', this.options.baseUrl);
      url.searchParams.set('access_token', token);
      await this.request('POST', url, {
        touser: input.touser,
        template_id: input.templateId,
        ...(input.page ? { page: input.page } : {}),
        data: input.data,
        ...(input.miniprogramState ? { miniprogram_state: input.miniprogramState } : {}),
      });
    };
    try {
      await send(await this.accessToken());
    } catch (err) {
      if (!(err instanceof WechatError && TOKEN_INVALID.has(Number(err.wxCode)))) throw err;
      await send(await this.accessToken(true));
    }
  }

  private secret(): string {
    if (!this.options.appSecret) throw new WechatError('mini', 0, 'NOT_CONFIGURED', 'WECHAT_APP_SECRET is not set', false);
    return this.options.appSecret;
  }

  private async withBusyRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof WechatError && err.retryable) || attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, (this.options.busyRetryDelayMs ?? 200) * attempt));
      }
    }
  }

  private async request(method: 'GET' | 'POST', url: URL, body?: unknown): Promise<WxAnswer & Record<string, unknown>> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new WechatError('mini', 0, 'NETWORK', (err as Error).message, true);
    }
    let answer: WxAnswer & Record<string, unknown>;
    try {
      answer = (await res.json()) as WxAnswer & Record<string, unknown>;
    } catch {
      throw new WechatError('mini', res.status, `HTTP_${res.status}`, 'non-JSON answer', res.status >= 500);
    }
    if (!res.ok || (answer.errcode !== undefined && answer.errcode !== 0)) {
      const code = answer.errcode ?? res.status;
      throw new WechatError('mini', res.status, code, String(answer.errmsg ?? ''), RETRYABLE.has(code) || res.status >= 500);
    }
    return answer;
  }
}
