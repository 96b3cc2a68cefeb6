import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../../server/db/index.js';
import { generateCardKeys } from '../../server/services/cardKeys/generateCardKeys.js';
import { setApiKeysEnabled } from '../../server/services/apiKeys/changeApiKeys.js';
import { findPointsDrift } from '../../server/services/points/index.js';
import { charge, newApi, newKey, newMiniUser, newService, type ServiceCreds } from '../support/apiKeys.js';
import { clientFor, makeWorld, recharge, type World } from '../support/cardKeys.js';
import { makeUser, postForm } from '../support/identity.js';
import { CuttableProxy, OwnRedis, startProcess, until, type Proc } from './support.js';

/** The __APP_STATE__ error message AdminJS renders on a login page. */
async function loginMessage(res: Response): Promise<string> {
  const html = await res.text();
  const state = /__APP_STATE__ = JSON\.parse\('(.*)'\);/.exec(html)?.[1];
  assert.ok(state, `no login page in: ${html.slice(0, 300)}`);
  return (JSON.parse(state) as { errorMessage?: string }).errorMessage ?? '';
}

/**
 * One web process (the real `npm run web` entry) on a Redis of the test's own and on the shared
 * PostgreSQL through a proxy the test cuts. While either is away the open API (verify, metering),
 * admin login and the mini-program API answer clear 503s — never "valid" unchecked, never a bare
 * 500 — and the process stays up; once it is back they answer 200 again and the books balance.
 */
describe('faults: web process while Redis, then PostgreSQL, is down', function () {
  this.timeout(180_000);
  let redis: OwnRedis;
  let proxy: CuttableProxy;
  let web: Proc;
  let url: string;
  let w: World;
  let service: ServiceCreds;
  let apiName: string;
  let apiKey: string;
  let keyId: string;
  let keyOwner: string;
  let codes: string[];
  let password: string;
  let username: string;
  const statuses = new Set<number>();

  before(async () => {
    redis = await OwnRedis.start();
    const base = new URL(process.env.DATABASE_URL!);
    proxy = new CuttableProxy({ host: base.hostname, port: Number(base.port || 5432) });
    const proxyPort = await proxy.start();
    base.port = String(proxyPort);
    web = startProcess(
      'server/bin/web.ts',
      { REDIS_URL: redis.url, DATABASE_URL: base.toString(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', DATABASE_POOL_MAX: '5' },
      /listening on http/,
    );
    w = await makeWorld(`wo${randomBytes(3).toString('hex')}`);
    await recharge(w.agent.id, '100');
    const { batch } = await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '1天', count: 5 });
    codes = (await db().query<{ code: string }>('SELECT code FROM card_keys WHERE batch_id = :id ORDER BY id', { replacements: { id: batch.id }, type: QueryTypes.SELECT })).map((r) => r.code);
    service = await newService();
    apiName = (await newApi(1)).name;
    keyOwner = await newMiniUser(100);
    ({ key: apiKey, id: keyId } = await newKey(keyOwner));
    password = 'Right1pass';
    username = (await makeUser({ password })).username;
    await web.ready;
    url = /listening on (http:\/\/\S+)/.exec(web.output().stdout)![1]!;
  });

  after(async () => {
    await web?.stop();
    await proxy?.close();
    await redis?.stop();
  });

  const verify = async (code: string) => {
    const res = await clientFor(url, w).request<{ success: boolean; reason?: string; message?: string; data?: { valid?: boolean } }>('POST', '/open/v1/card-keys/verify', {
      card_key: code,
      device_id: `dev-${code}`,
    });
    statuses.add(res.status);
    return res;
  };
  const meter = async () => {
    const res = await charge(url, service, { apiKey, apiName, callerIp: '203.0.113.9', requestId: randomBytes(8).toString('hex') });
    statuses.add(res.status);
    return res;
  };
  const login = async (lang: 'zh-CN' | 'en') => {
    const res = await postForm(`${url}/admin/login`, { email: username, password }, { cookie: `seahorse_lang=${lang}` });
    statuses.add(res.status);
    return res;
  };

  it('answers 200 before any fault', async () => {
    assert.equal((await verify(codes[0]!)).status, 200);
    assert.equal((await meter()).body.data.decision, 'allow');
    assert.equal((await login('zh-CN')).status, 302);
  });

  it('Redis down: verify refuses with a clear 503, metering answers only what the database decides, admin login says "temporarily unavailable" in both languages', async () => {
    await redis.stop();
    const v = await verify(codes[1]!);
    assert.equal(v.status, 503, v.raw);
    assert.equal(v.body.reason, 'SERVICE_UNAVAILABLE');
    assert.equal(v.body.data?.valid, undefined, 'never "valid" unchecked');
    const m = await meter();
    // Metering keeps no nonce or limit in Redis: the database decides every charge (its caches are
    // bypassed while unsubscribed). So it may answer — but only what the database says: a key
    // disabled now, whose invalidation this process cannot hear, is refused.
    assert.ok(m.status === 503 || m.body.data.decision === 'allow', `metering: ${m.status} ${JSON.stringify(m.body)}`);
    await setApiKeysEnabled({ kind: 'mini_user', userId: keyOwner }, [keyId], false);
    const refused = await meter();
    assert.ok(refused.status === 503 || refused.body.data.decision === 'deny', `a disabled key: ${refused.status} ${JSON.stringify(refused.body)}`);
    await setApiKeysEnabled({ kind: 'mini_user', userId: keyOwner }, [keyId], true);
    const zh = await login('zh-CN');
    assert.equal(await loginMessage(zh), '服务暂时不可用，请稍后再登录');
    const en = await login('en');
    assert.match(await loginMessage(en), /temporarily unavailable/);
    assert.equal((await fetch(`${url}/readyz`)).status, 503);

    await redis.start();
    await until(async () => (await verify(codes[1]!)).status === 200, 'verify after Redis came back', 30_000);
    await until(async () => (await login('zh-CN')).status === 302, 'login after Redis came back', 30_000);
  });

  it('PostgreSQL cut under verify and metering load: only 503s meanwhile, the process stays up, 200s after, books consistent', async () => {
    // Load: four clients verifying and charging in a loop through the cut and the recovery.
    let loading = true;
    const seen: number[] = [];
    const load = Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        while (loading) {
          seen.push((await verify(codes[3 + (i % 2)]!)).status, (await meter()).status);
        }
      }),
    );
    await until(() => seen.length >= 8, 'load before the cut');
    proxy.cut();
    const v = await verify(codes[2]!);
    assert.equal(v.status, 503, v.raw);
    assert.equal(v.body.data?.valid, undefined);
    const m = await meter();
    assert.equal(m.status, 503, JSON.stringify(m.body));
    assert.equal(m.body.reason, 'SERVICE_UNAVAILABLE');
    const page = await login('en');
    assert.match(await loginMessage(page), /temporarily unavailable/);
    const packages = await fetch(`${url}/api/packages`);
    statuses.add(packages.status);
    assert.equal(packages.status, 503);
    assert.equal(web.child.exitCode, null, 'the process is still up');

    proxy.mend();
    await until(async () => (await verify(codes[2]!)).status === 200, 'verify after PostgreSQL came back', 30_000);
    await until(async () => (await meter()).status === 200, 'metering after PostgreSQL came back', 30_000);
    loading = false;
    await load;
    assert.deepEqual([...new Set(seen)].sort(), [200, 503], 'only 200s and clear 503s under load');
    assert.deepEqual(await findPointsDrift(), [], 'the points books balance');
    const [row] = await db().query<{ allowed: number; balance: number }>(
      `SELECT (SELECT count(*)::int FROM purchase_record WHERE user_id = :u AND api_key_id IS NOT NULL) AS allowed,
              (SELECT total_points FROM meta_user WHERE id = :u) AS balance`,
      { replacements: { u: keyOwner }, type: QueryTypes.SELECT },
    );
    assert.equal(Number(row!.balance), 100 - row!.allowed, 'each allowed charge took its point once');
  });

  it('never answered a bare 500', () => {
    assert.ok(!statuses.has(500), `statuses seen: ${[...statuses].join(', ')}`);
  });
});
