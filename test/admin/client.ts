/** A logged-in AdminJS session over HTTP: logs in through the real login form and keeps the cookie. */
export class AdminClient {
  private cookie = '';

  constructor(private readonly baseUrl: string) {}

  static async login(baseUrl: string, username: string, password: string): Promise<AdminClient> {
    const client = new AdminClient(baseUrl);
    const res = await client.post('/admin/login', { email: username, password }, false);
    if (res.status !== 302 || res.headers.get('location') !== '/admin') {
      throw new Error(`login as ${username} failed: HTTP ${res.status} ${await res.text()}`);
    }
    return client;
  }

  cookieHeader(): string {
    return this.cookie;
  }

  private remember(res: Response): void {
    const set = res.headers.getSetCookie().find((c) => c.startsWith('seahorse.sid='));
    if (set) this.cookie = set.split(';')[0]!;
  }

  async get(path: string): Promise<Response> {
    const res = await fetch(this.baseUrl + path, { headers: { cookie: this.cookie }, redirect: 'manual' });
    this.remember(res);
    return res;
  }

  async post(path: string, fields: Record<string, string>, remember = true): Promise<Response> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    if (remember || res.status === 302) this.remember(res);
    return res;
  }

  /** GET returning parsed JSON (AdminJS answers forbidden actions with HTTP 200 and an error body). */
  async getJson(path: string): Promise<ApiBody> {
    const res = await this.get(path);
    return parse(res, path);
  }

  async postJson(path: string, fields: Record<string, string>): Promise<ApiBody> {
    const res = await this.post(path, fields);
    return parse(res, path);
  }
}

export interface ApiBody {
  status: number;
  body: {
    records?: Array<{ id: string; params: Record<string, unknown> }>;
    record?: { id?: string; params: Record<string, unknown>; baseError?: { message: string } | null; errors?: Record<string, { message: string }> };
    notice?: { message: string; type: string };
    meta?: { total: number };
    redirectUrl?: string;
    [k: string]: unknown;
  };
}

async function parse(res: Response, path: string): Promise<ApiBody> {
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw new Error(`${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
  }
}

/** True when AdminJS refused (HTTP 200 with an error notice, or a redirect to login). */
export function isRefused(r: ApiBody): boolean {
  return r.body.notice?.type === 'error' || r.status === 302 || r.status === 403;
}

/** A multipart form post (file uploads) with the session cookie; the JSON answer parsed. */
export async function postMultipart(client: AdminClient, baseUrl: string, path: string, form: FormData): Promise<ApiBody> {
  const res = await fetch(baseUrl + path, { method: 'POST', headers: { cookie: client.cookieHeader() }, body: form, redirect: 'manual' });
  return parse(res, path);
}
