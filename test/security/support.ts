import { mountAdminWith } from '../../admin/mount.js';
import { config, loadConfig, setConfig, type Config } from '../../server/config.js';
import { startTestServer, type TestServer } from '../support/http.js';

/** The real app with the admin mounted (development assets), under a configuration built from `env` like at start-up. */
export async function startAdminServer(env: Record<string, string> = {}): Promise<{ server: TestServer; restore(): Promise<void> }> {
  const previous: Config = config();
  setConfig(loadConfig({ ...process.env, ...env }));
  const server = await startTestServer({ mountAdmin: async (app) => void (await mountAdminWith(app, { assets: 'dev' })) });
  return {
    server,
    restore: async () => {
      await server.close();
      setConfig(previous);
    },
  };
}

/** An admin browser session over raw HTTP, with the headers a test wants on every request (Origin, X-Forwarded-For…). */
export class Session {
  cookie = '';
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  static async login(baseUrl: string, username: string, password: string, headers: Record<string, string> = {}): Promise<Session> {
    const s = new Session(baseUrl, headers);
    const res = await s.form('POST', '/admin/login', { email: username, password });
    if (res.status !== 302 || res.headers.get('location') !== '/admin') throw new Error(`login as ${username} failed: HTTP ${res.status}`);
    return s;
  }

  async request(method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit } = {}): Promise<Response> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { ...this.headers, ...(this.cookie ? { cookie: this.cookie } : {}), ...init.headers },
      body: init.body,
      redirect: 'manual',
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('seahorse.sid='));
    if (set) this.cookie = set.split(';')[0]!;
    return res;
  }

  form(method: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(method, path, { headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
  }
}
