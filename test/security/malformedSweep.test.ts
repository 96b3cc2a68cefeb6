import assert from 'node:assert/strict';
import { createHmac, randomInt } from 'node:crypto';
import type AdminJS from 'adminjs';
import { QueryTypes } from 'sequelize';
import { mountAdminWith } from '../../admin/mount.js';
import { config, loadConfig, setConfig, type Config } from '../../server/config.js';
import { db } from '../../server/db/index.js';
import { CardKey } from '../../server/models/index.js';
import { generateCardKeys } from '../../server/services/cardKeys/generateCardKeys.js';
import { requestSigningString } from '../../server/routes/open/signedRequest.js';
import { newService } from '../support/apiKeys.js';
import { makeWorld, recharge, type World as CardKeyWorld } from '../support/cardKeys.js';
import { startTestServer, type TestServer } from '../support/http.js';
import {
  BAD_PARAMS,
  bodyShapeCases,
  fieldCases,
  HUGE,
  LONG,
  plausible,
  pool,
  QUERY_SHAPES,
  UNICODE_NUL,
  type BodyCase,
  type JsonSchema,
} from '../support/malformedInput.js';
import { Api, startWechatSim } from '../support/miniApi.js';
import type { WechatSimulator } from '../wechat-sim/sim.js';
import { Session } from './support.js';

/**
 * Issue 11: a generated sweep of malformed input over the whole public surface — every route of the
 * two OpenAPI documents the server serves (/api and /open, walked from the documents themselves),
 * the /auth pages and the login/password forms, and every AdminJS resource and action (walked from
 * the running AdminJS instance, as the super admin and as an agent). Every answer must be below 500,
 * and nothing may be written: every table's row count, and the content of the tables that hold
 * money, points, card keys, keys and orders, are the same before and after.
 */

/** Tables a refused attempt legitimately writes to, and why. */
const LOG_TABLES: Record<string, string> = {
  login_logs: 'every admin login attempt is logged, refused ones included (issue 11: the login audit trail)',
  security_events: 'failed logins from new places are security events (login anomalies)',
  api_call_logs: 'the open API logs every call, refused ones included (the call log is how a project debugs its client)',
  admin_sessions: 'session rows are the session store: every admin request refreshes its expiry',
};

/** Tables whose every row is compared (not only counted): money, points, card keys, keys, orders, accounts. */
const CHECKSUMMED = [
  'quota_accounts',
  'quota_ledger',
  'quota_transfers',
  'withdrawals',
  'points_lots',
  'purchase_record',
  'meta_user',
  'card_keys',
  'card_key_batches',
  'meta_auth_key',
  'api_key_scopes',
  'meta_order',
  'wechat_payments',
  'admin_users',
  'projects',
  'project_authorizations',
  'system_configs',
];

async function snapshot(): Promise<Record<string, string>> {
  const tables = await db().query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('sequelize_meta', 'sequelize_data') ORDER BY tablename`,
    { type: QueryTypes.SELECT },
  );
  const out: Record<string, string> = {};
  for (const { tablename } of tables) {
    if (LOG_TABLES[tablename]) continue;
    const [row] = await db().query<{ n: string; sum: string | null }>(
      CHECKSUMMED.includes(tablename)
        ? `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum FROM "${tablename}" t`
        : `SELECT count(*) AS n, NULL AS sum FROM "${tablename}"`,
      { type: QueryTypes.SELECT },
    );
    out[tablename] = `${row!.n}${row!.sum ? ` ${row!.sum}` : ''}`;
  }
  return out;
}

interface Outcome {
  surface: 'api' | 'open' | 'auth' | 'admin';
  what: string;
  status: number;
  body: string;
  /** An admin form answered with a success notice. */
  accepted?: boolean;
}

const VALIDATION = new Set([400, 413, 415, 422]);

describe('security: a generated sweep of malformed input over every route and admin action', function () {
  this.timeout(600_000);
  const outcomes: Outcome[] = [];
  let previous: Config;
  let sim: WechatSimulator;
  let server: TestServer;
  let admin: AdminJS;
  let url: string;
  let miniToken: string;
  let cards: CardKeyWorld;
  let basic: string;
  let root: Session;
  let agent: Session;
  let initial: Record<string, string>;
  /** Values of real records to build requests on, by path template. */
  const REAL: Record<string, Record<string, unknown>> = {};

  // Every request from its own client address (the server trusts one proxy hop), so per-address
  // limits cannot hide a handler behind a 429.
  const net = randomInt(0, 200);
  let n = 0;
  const nextIp = () => {
    n += 1;
    return `10.${net}.${(n >> 8) & 255}.${n & 255}`;
  };

  async function send(
    surface: Outcome['surface'],
    what: string,
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: Buffer | string } = {},
  ): Promise<Outcome> {
    let res: Response;
    try {
      res = await fetch(url + path, { method, headers: { 'X-Forwarded-For': nextIp(), ...init.headers }, body: typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body), redirect: 'manual' });
    } catch (err) {
      const o = { surface, what: `${method} ${path.slice(0, 120)} ${what}`, status: 599, body: `connection failed: ${(err as Error).message}` };
      outcomes.push(o);
      return o;
    }
    const text = await res.text();
    const accepted = surface === 'admin' && method === 'POST' && /"notice":\{"message":"[^"]*","type":"success"/.test(text);
    const o = { surface, what: `${method} ${path.slice(0, 120)} — ${what}`, status: res.status, body: text.slice(0, 300), accepted };
    outcomes.push(o);
    return o;
  }

  const encode = (c: BodyCase): { body?: Buffer; contentType?: string } => {
    if (c.raw !== undefined) return { body: Buffer.from(c.raw, c.contentType?.includes('latin1') ? 'latin1' : 'utf8'), contentType: c.contentType ?? 'application/json' };
    if (c.body !== undefined) return { body: Buffer.from(JSON.stringify(c.body)), contentType: c.contentType ?? 'application/json' };
    return {};
  };

  /** The signature headers of the open API over exactly these bytes (the path as sent, query included). */
  function signed(method: string, path: string, body: Buffer = Buffer.alloc(0)): Record<string, string> {
    const sent = new URL(url + path);
    const timestamp = String(Date.now());
    const nonce = `sweep_${n}_${randomInt(1e9)}`;
    const signature = createHmac('sha256', cards.appSecret).update(requestSigningString(method, sent.pathname + sent.search, timestamp, nonce, body)).digest('hex');
    return { 'X-App-Key': cards.project.appKey, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature };
  }

  before(async () => {
    db();
    previous = config();
    const started = await startWechatSim();
    sim = started.sim;
    const { merchant } = started;
    setConfig(
      loadConfig({
        ...process.env,
        ...sim.env(),
        WECHAT_MCH_PRIVATE_KEY: merchant.privateKeyPem,
        TRUST_PROXY: '1',
        MINI_LOGIN_PER_IP_PER_MINUTE: '100000',
        OPEN_RATE_APP_PER_MINUTE: '1000000',
      }),
    );
    server = await startTestServer({ mountAdmin: async (app) => void (admin = await mountAdminWith(app, { assets: 'dev' })) });
    url = server.url;
    miniToken = (await new Api(url).login(sim)).token;
    const tag = `sweep${randomInt(1e6)}`;
    cards = await makeWorld(tag);
    basic = (await newService()).authorization;
    // A real, unused card key: a malformed device id then meets the binding, not "not found".
    await recharge(cards.agent.id, '10.00');
    await generateCardKeys({ actor: cards.agent, agentId: cards.agent.id, projectId: cards.project.id, validityLabel: '1天', count: 1 });
    const card = (await CardKey.findOne({ where: { projectId: cards.project.id } }))!;
    REAL['/open/v1/card-keys/verify'] = { card_key: card.code };
    REAL['/open/v1/card-keys/{code}'] = { code: card.code };
    root = await Session.login(url, `${tag}_root`, 'abcd1234', { 'X-Forwarded-For': nextIp() });
    agent = await Session.login(url, `${tag}_agent`, 'abcd1234', { 'X-Forwarded-For': nextIp() });
    initial = await snapshot();
  });
  after(async () => {
    await server?.close();
    await sim?.close();
    if (previous) setConfig(previous);
  });

  it('walks the /api and /open OpenAPI documents: every path and method, every field', async () => {
    const tasks: Array<() => Promise<unknown>> = [];
    for (const [surface, docPath] of [
      ['api', '/api/docs/openapi.json'],
      ['open', '/open/docs/openapi.json'],
    ] as const) {
      const doc = (await (await fetch(url + docPath)).json()) as { paths: Record<string, Record<string, Operation>> };
      assert.ok(Object.keys(doc.paths).length > 0, `${docPath} lists paths`);
      for (const [template, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) tasks.push(...operationCases(surface, template, method.toUpperCase(), op));
      }
    }
    await pool(tasks, 8);
  });

  interface Parameter {
    name: string;
    in: 'path' | 'query' | 'header';
    required?: boolean;
    schema: JsonSchema;
  }
  interface Operation {
    security?: Array<Record<string, unknown>>;
    parameters?: Parameter[];
    requestBody?: { content: Record<string, { schema: JsonSchema }> };
  }

  function operationCases(surface: 'api' | 'open', template: string, method: string, op: Operation): Array<() => Promise<unknown>> {
    const scheme = Object.keys(op.security?.[0] ?? {})[0];
    const params = (op.parameters ?? []).filter((p) => p.in !== 'header');
    const pathParams = params.filter((p) => p.in === 'path');
    const queryParams = params.filter((p) => p.in === 'query');
    const fill = (values: Record<string, string>) =>
      template.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? encodeURIComponent(String(REAL[template]?.[name] ?? plausible(pathParams.find((p) => p.name === name)!.schema))));
    const auth = (path: string, body?: Buffer): Record<string, string> =>
      scheme === 'bearerAuth' ? { Authorization: `Bearer ${miniToken}` } : scheme === 'appKey' ? signed(method, path, body) : scheme === 'serviceBasic' ? { Authorization: basic } : {};
    const tasks: Array<() => Promise<unknown>> = [];
    const request = (what: string, path: string, c: BodyCase = { name: '' }, authed = true) =>
      tasks.push(() => {
        const { body, contentType } = encode(c);
        const headers = { ...(contentType ? { 'Content-Type': contentType } : {}), ...(authed ? auth(path, body) : {}) };
        return send(surface, what, method, path, { headers, body: method === 'GET' ? undefined : body });
      });

    // Path parameters, each wrong in every way (the rest plausible).
    for (const p of pathParams) {
      for (const [label, value] of Object.entries(BAD_PARAMS)) request(`path ${p.name}: ${label}`, fill({ [p.name]: value }));
    }
    // Query parameters: wrong values and wrong shapes.
    for (const p of queryParams) {
      for (const [label, value] of Object.entries(BAD_PARAMS)) request(`query ${p.name}: ${label}`, `${fill({})}?${p.name}=${value}`);
      for (const [label, shape] of Object.entries(QUERY_SHAPES)) request(`query ${p.name}: ${label}`, `${fill({})}?${shape(p.name)}`);
    }
    // Bodies: the whole body wrong, then each field wrong — correctly authenticated (and signed) so the validator is reached.
    const schema = op.requestBody?.content['application/json']?.schema;
    if (schema || method !== 'GET') {
      for (const c of [...bodyShapeCases(), ...(schema ? fieldCases(schema, REAL[template]) : [])]) request(`body ${c.name}`, fill({}), c);
    }
    // Authentication itself malformed.
    if (scheme) {
      const path = fill({});
      const junk = { name: 'plausible body', body: schema ? plausible(schema) : undefined };
      request('no credentials', path, junk, false);
      const garbage: Record<string, Record<string, string>> = {
        bearerAuth: { Authorization: `Bearer ${LONG}` },
        appKey: { 'X-App-Key': 'k'.repeat(200), 'X-Timestamp': '-1', 'X-Nonce': 'n'.repeat(65), 'X-Signature': 'zz' },
        serviceBasic: { Authorization: `Basic ${Buffer.from(`${LONG}:${LONG}`).toString('base64')}` },
      };
      tasks.push(() => send(surface, 'garbage credentials', method, path, { headers: { 'Content-Type': 'application/json', ...garbage[scheme] }, body: method === 'GET' ? undefined : JSON.stringify(junk.body ?? {}) }));
    }
    return tasks;
  }

  it('walks the /auth pages and the login and password forms with malformed forms', async () => {
    const forms: Array<{ path: string; fields: string[]; session?: Session }> = [
      { path: '/auth/register', fields: ['username', 'email', 'password', 'passwordConfirm', 'captchaId', 'captchaAnswer'] },
      { path: '/auth/verify/resend', fields: ['email'] },
      { path: '/auth/verify', fields: ['token'] },
      { path: '/auth/forgot', fields: ['email'] },
      { path: '/auth/reset', fields: ['token', 'password', 'passwordConfirm'] },
      { path: '/auth/login-captcha', fields: ['username'] },
      { path: '/admin/login', fields: ['email', 'password', 'captchaId', 'captchaAnswer'] },
      { path: '/admin/change-password', fields: ['currentPassword', 'password', 'passwordConfirm'], session: agent },
    ];
    const tasks: Array<() => Promise<unknown>> = [];
    for (const form of forms) {
      const headers: Record<string, string> = form.session ? { cookie: form.session.cookie } : {};
      const post = (what: string, body: string | Buffer, contentType = 'application/x-www-form-urlencoded') =>
        tasks.push(() => send('auth', what, 'POST', form.path, { headers: { ...headers, 'Content-Type': contentType, accept: 'text/html' }, body }));
      const plausibleForm = Object.fromEntries(form.fields.map((f) => [f, 'Sweep-value-1']));
      post('empty form', '');
      post('wrong content type (JSON)', JSON.stringify(plausibleForm), 'application/json');
      post('invalid JSON', '{"email":', 'application/json');
      post('multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n', 'multipart/form-data; boundary=x');
      post('huge body (1 MB)', `${form.fields[0]}=${HUGE}`);
      post('broken percent escape', `${form.fields[0]}=%E0%A4%A&x=%`);
      for (const field of form.fields) {
        const rest = new URLSearchParams(plausibleForm);
        rest.delete(field);
        post(`${field}: missing`, rest.toString());
        for (const [label, value] of Object.entries({ array: `${field}=a&${field}=b`, 'bracket object': `${field}[a]=1`, long: `${field}=${LONG}`, 'NUL, emoji, RTL': `${field}=${encodeURIComponent(UNICODE_NUL)}`, 'lone surrogate (bad UTF-8)': `${field}=%ED%A0%80` })) {
          post(`${field}: ${label}`, `${rest.toString()}&${value}`);
        }
      }
    }
    for (const page of ['/auth/register', '/auth/verify', '/auth/forgot', '/auth/reset', '/auth/captcha', '/admin/change-password', '/admin/logout']) {
      for (const [label, value] of Object.entries(BAD_PARAMS)) {
        tasks.push(() => send('auth', `token: ${label}`, 'GET', `${page}?token=${value}&lang=${value}`, { headers: page.startsWith('/admin') ? { cookie: agent.cookie } : {} }));
      }
      tasks.push(() => send('auth', 'token as array', 'GET', `${page}?token=a&token=b&lang[x]=1`));
    }
    await pool(tasks, 8);
  });

  it('walks every AdminJS resource and action, as the super admin and as an agent', async () => {
    assert.ok(admin.resources.length > 30, 'the running AdminJS instance lists its resources');
    const junkValues: Record<string, string> = {
      letters: 'abc',
      'huge number': '1e400',
      // Long, yet short enough that every field at once stays under the admin's 64 KB form limit.
      long: 'L'.repeat(600),
      'NUL, emoji, RTL': UNICODE_NUL,
      empty: '',
    };
    // The agent is refused most actions outright: fewer cases, the ones most likely to reach a handler.
    const agentCases = new Set(['NUL, emoji, RTL']);
    const agentIds = new Set(['letters', 'not there']);
    const badIds: Record<string, string> = {
      letters: 'abc',
      negative: '-1',
      'huge number': '99999999999999999999999',
      emoji: encodeURIComponent('😀'),
      'NUL byte': '%00',
      'not there': '2147483000',
    };
    // Fields custom actions read from their forms, besides the resources' own properties.
    const actionFields = ['agentId', 'projectId', 'validityLabel', 'count', 'memo', 'days', 'format', 'reason', 'delta', 'expiresInDays', 'graceMinutes', 'amount', 'idempotencyKey', 'value', 'ids', 'decision', 'note', 'userId', 'toUserId', 'currentPassword', 'durationDays', 'unitPrice', 'prices.0.label', 'prices.0.unitPrice'];
    const tasks: Array<() => Promise<unknown>> = [];
    let rotation = 0;
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    for (const resource of admin.resources) {
      const id = resource.id();
      const fields = [...new Set([...resource.properties().map((p) => p.name()), ...actionFields])];
      const all = (value: string) => Object.fromEntries(fields.map((f) => [f, value]));
      for (const [name, decorated] of Object.entries(resource.decorate().actions)) {
        const type = (decorated as unknown as { action: { actionType: 'resource' | 'record' | 'bulk' } }).action.actionType;
        for (const [who, session] of [
          ['super admin', root],
          ['agent', agent],
        ] as const) {
          const post = (path: string, what: string, body: string, contentType = 'application/x-www-form-urlencoded') =>
            tasks.push(() => send('admin', `${who}: ${what}`, 'POST', path, { headers: { cookie: session.cookie, 'Content-Type': contentType }, body }));
          const get = (path: string, what: string) => tasks.push(() => send('admin', `${who}: ${what}`, 'GET', path, { headers: { cookie: session.cookie } }));
          if (type === 'resource') {
            const path = `/admin/api/resources/${id}/actions/${name}`;
            // A resource action that takes no input cannot be fed a malformed one; only an agent (refused) posts it.
            if (NO_INPUT_ACTIONS.has(`${id}.${name}`) && who === 'super admin') continue;
            for (const [label, value] of Object.entries(junkValues)) {
              if (who === 'agent' && !agentCases.has(label)) continue;
              if (FREE_TEXT_ACTIONS[`${id}.${name}`] && (label === 'letters' || label === 'huge number')) continue;
              post(path, `every field ${label}`, form(all(value)));
            }
            post(path, 'invalid JSON', '{"a":', 'application/json');
            get(`${path}?page=-1&perPage=abc&sortBy=${encodeURIComponent(UNICODE_NUL)}&direction=sideways&filters.id=abc&filters.createdAt~~from=notadate&query=%00&searchProperty=password`, 'junk query');
          } else {
            // Each record or bulk action gets two of the bad ids (in turn, so every id meets every kind of action).
            const ids = Object.entries(badIds);
            rotation += 1;
            const chosen = who === 'agent' ? ids.filter(([label]) => agentIds.has(label)).slice(rotation % 2, (rotation % 2) + 1) : [ids[rotation % ids.length]!, ids[(rotation + 3) % ids.length]!];
            for (const [label, bad] of chosen) {
              const path = type === 'record' ? `/admin/api/resources/${id}/records/${bad}/${name}` : `/admin/api/resources/${id}/bulk/${name}?recordIds=${bad},${bad}`;
              post(path, `${type} id ${label}, every field letters`, form(all('abc')));
              if (who === 'super admin' && label === chosen[0]![0]) get(path, `${type} id ${label}`);
            }
          }
        }
      }
    }
    await pool(tasks, 8);
  });

  it('answered every request below 500, mostly with validation refusals, and wrote nothing', async () => {
    const problems: string[] = [];
    for (const o of outcomes.filter((x) => x.status >= 500)) problems.push(`${o.status} ${o.what} :: ${o.body}`);
    const bySurface = (s: Outcome['surface']) => outcomes.filter((o) => o.surface === s);
    for (const surface of ['api', 'open', 'auth'] as const) {
      const all = bySurface(surface);
      const refused = all.filter((o) => VALIDATION.has(o.status)).length;
      const limited = all.filter((o) => o.status === 429).length;
      if (all.length < 50) problems.push(`${surface}: only ${all.length} requests`);
      if (refused / all.length < 0.4) problems.push(`${surface}: only ${refused}/${all.length} answers are validation refusals`);
      if (limited / all.length >= 0.05) problems.push(`${surface}: ${limited}/${all.length} rate-limited answers hide handlers`);
    }
    if (bySurface('admin').some((o) => o.status === 429)) problems.push('admin: rate-limited');
    // AdminJS answers a refusal with 200 and an error notice: no malformed form may be answered as done.
    for (const o of bySurface('admin').filter((x) => x.accepted)) problems.push(`admin accepted: ${o.what} :: ${o.body}`);

    const now = await snapshot();
    for (const t of Object.keys({ ...initial, ...now })) if (initial[t] !== now[t]) problems.push(`written: ${t}: ${initial[t]} → ${now[t]}`);
    const statuses: Record<string, number> = {};
    for (const o of outcomes) statuses[`${o.surface} ${o.status}`] = (statuses[`${o.surface} ${o.status}`] ?? 0) + 1;
    console.log(`      ${outcomes.length} requests:`, JSON.stringify(statuses));
    assert.deepEqual(problems, []);
  });
});

/** Resource actions whose only input is free text: "abc" is a valid value for them, not a malformed one. */
const FREE_TEXT_ACTIONS: Record<string, string> = {
  'metering_services.registerService': 'its one field is the service name',
};

/** Resource actions that read no input: posting them runs them, malformed or not (a backup now). */
const NO_INPUT_ACTIONS = new Set(['backups.backupNow']);
