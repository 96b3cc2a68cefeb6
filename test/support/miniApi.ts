import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { config, loadConfig, setConfig, type Config } from '../../server/config.js';
import { findPointsDrift } from '../../server/services/points/index.js';
import { Package, Product, Promotion } from '../../server/models/index.js';
import { startTestServer, type TestServer } from './http.js';
import { merchantKeys, WechatSimulator } from '../wechat-sim/sim.js';

export const APIV3_KEY = 'seahorse-test-apiv3-key-32bytes!';

export interface World {
  sim: WechatSimulator;
  server: TestServer;
  merchant: ReturnType<typeof merchantKeys>;
  api: Api;
  restore(): Promise<void>;
}

/** A fresh WeChat simulator for the test merchant (notifications retried every few ms), and that merchant's keys. */
export async function startWechatSim(): Promise<{ sim: WechatSimulator; merchant: ReturnType<typeof merchantKeys> }> {
  const merchant = merchantKeys();
  const sim = await new WechatSimulator({
    appId: 'wx_test_appid',
    appSecret: 'wx_test_secret',
    mchId: '1900012345',
    merchantPublicKey: merchant.publicKey,
    merchantSerial: merchant.serial,
    apiV3Key: APIV3_KEY,
    timeScale: 0.0002,
  }).start();
  return { sim, merchant };
}

/** The real app, pointed at a fresh WeChat simulator. */
export async function startWorld(overrides: Record<string, string> = {}): Promise<World> {
  const previous: Config = config();
  const { sim, merchant } = await startWechatSim();
  const server = await startTestServer();
  setConfig(
    loadConfig({
      ...process.env,
      ...sim.env(),
      WECHAT_MCH_PRIVATE_KEY: merchant.privateKeyPem,
      WECHAT_NOTIFY_URL: `${server.url}/api/pay/wechat/notify`,
      // Every test user logs in from 127.0.0.1.
      MINI_LOGIN_PER_IP_PER_MINUTE: '100000',
      ...overrides,
    }),
  );
  return {
    sim,
    server,
    merchant,
    api: new Api(server.url),
    restore: async () => {
      await sim.close();
      await server.close();
      setConfig(previous);
    },
  };
}

export interface Answer<T = any> {
  status: number;
  body: { success: boolean; code: number; message: string; reason?: string; data: T };
}

export class Api {
  constructor(readonly base: string) {}

  async call<T = any>(method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(opts.body !== undefined || opts.raw !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Logs a new (or returning) WeChat user in through the simulator. */
  async login(sim: WechatSimulator, openid = `o_${randomUUID()}`, nickname?: string) {
    const answer = await this.call('POST', '/api/auth/wx-login', { body: { code: sim.issueCode(openid), nickname } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return { openid, token: answer.body.data.tokens.accessToken as string, refresh: answer.body.data.tokens.refreshToken as string, user: answer.body.data.user };
  }
}

const DAY = 86_400_000;
const FAR = new Date('2099-12-31T15:59:59Z');

/** A product + package (+ optional promotion) on sale. */
export async function seedPackage(opts: {
  price?: string;
  points?: number;
  promotion?: Partial<{ promoType: number; discountRate: string; minAmount: string; reduceAmount: string; bonusPoints: number; startTime: Date; endTime: Date; status: number; applicableProducts: string[] }>;
  expireTime?: Date;
  sort?: number;
  isHot?: boolean;
  status?: number;
} = {}) {
  const tag = randomUUID().slice(0, 8);
  const product = await Product.create({
    name: `积分-${tag}`,
    productType: 1,
    pointAmount: opts.points ?? 600,
    originalPrice: opts.price ?? '50.00',
    salePrice: opts.price ?? '50.00',
    currency: 'CNY',
    expireTime: FAR,
    status: 1,
    sort: 0,
  });
  let promotion: Promotion | null = null;
  if (opts.promotion) {
    promotion = await Promotion.create({
      name: `活动-${tag}`,
      promoType: 1,
      status: 1,
      bonusPoints: 0,
      startTime: new Date(Date.now() - DAY),
      endTime: new Date(Date.now() + DAY),
      applicableProducts: [product.id],
      ...opts.promotion,
    });
  }
  const pkg = await Package.create({
    name: `套餐-${tag}`,
    productId: product.id,
    promotionId: promotion?.id ?? null,
    packagePrice: opts.price ?? '50.00',
    totalPoints: opts.points ?? 600,
    isHot: opts.isHot ?? false,
    sort: opts.sort ?? 0,
    status: opts.status ?? 1,
    expireTime: opts.expireTime ?? FAR,
  });
  return { product, promotion, pkg };
}

export async function assertPointsBooksBalance(): Promise<void> {
  assert.deepEqual(await findPointsDrift(), [], 'total_points = sum of unexpired lot remainders = last ledger balance');
}
