import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import {
  encryptResource,
  MAX_CLOCK_SKEW_SECONDS,
  nonceString,
  parseAuthorization,
  requestMessage,
  responseMessage,
  rsaSign,
  rsaVerify,
  unixNow,
} from '../../server/wechat/payCrypto.js';

/**
 * A local WeChat (mini-program server API + WeChat Pay API v3) speaking the real wire format:
 * it checks the merchant's request signatures, signs its answers and notifications with its own
 * "WeChat Pay public key", encrypts notifications with the APIv3 key and delivers them to
 * notify_url on WeChat's retry schedule (optionally time-compressed). Tests and developers can
 * make it fail, delay, duplicate, lose or forge things.
 */

/** WeChat's documented notification retry intervals (seconds). */
export const WECHAT_RETRY_SCHEDULE_SECONDS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600];

export interface SimOptions {
  appId: string;
  appSecret: string;
  mchId: string;
  merchantPublicKey: KeyObject;
  merchantSerial: string;
  apiV3Key: string;
  /** Multiplies every retry interval (e.g. 0.001 turns 15 s into 15 ms). */
  timeScale?: number;
  port?: number;
  host?: string;
}

export interface SimTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  description: string;
  notify_url: string;
  time_expire: string;
  prepay_id: string;
  transaction_id?: string;
  trade_state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  success_time?: string;
  amount: { total: number; currency: string; payer_total?: number };
  payer: { openid: string };
  refunds: Array<{ out_refund_no: string; refund_id: string; amount: number }>;
}

export type Forgery = 'signature' | 'amount' | 'mchid' | 'appid' | 'stale_timestamp' | 'serial' | 'ciphertext';

export interface Delivery {
  outTradeNo: string;
  attempt: number;
  status: number;
  at: number;
  forged?: Forgery;
}

type Endpoint = 'jscode2session' | 'stable_token' | 'subscribe_send' | 'jsapi' | 'query' | 'close' | 'refund';
type Fault = { kind: 'fail'; status: number; body: unknown } | { kind: 'delay'; ms: number } | { kind: 'drop' };

export class WechatSimulator {
  readonly payKeyId = `PUB_KEY_ID_${randomBytes(12).toString('hex').toUpperCase()}`;
  readonly payPrivateKey: KeyObject;
  readonly payPublicKey: KeyObject;
  readonly transactions = new Map<string, SimTransaction>();
  readonly deliveries: Delivery[] = [];
  readonly subscribeMessages: unknown[] = [];
  readonly requests: Array<{ endpoint: Endpoint; ok: boolean }> = [];
  url = '';
  private server: Server | undefined;
  private readonly codes = new Map<string, { openid: string; used: boolean }>();
  private readonly faults = new Map<Endpoint, Fault[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pendingDeliveries = new Set<Promise<void>>();
  private accessToken = `sim_token_${randomBytes(8).toString('hex')}`;
  private seq = 0;

  constructor(readonly options: SimOptions) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.payPrivateKey = privateKey;
    this.payPublicKey = publicKey;
  }

  get payPublicKeyPem(): string {
    return this.payPublicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The configuration our server needs to talk to this simulator. */
  env(): Record<string, string> {
    return {
      WECHAT_API_BASE: this.url,
      WECHAT_PAY_BASE: this.url,
      WECHAT_APP_ID: this.options.appId,
      WECHAT_APP_SECRET: this.options.appSecret,
      WECHAT_MCH_ID: this.options.mchId,
      WECHAT_MCH_CERT_SERIAL: this.options.merchantSerial,
      WECHAT_APIV3_KEY: this.options.apiV3Key,
      WECHAT_PAY_PUBLIC_KEY: this.payPublicKeyPem,
      WECHAT_PAY_PUBLIC_KEY_ID: this.payKeyId,
    };
  }

  // ---- controls ------------------------------------------------------------------------------

  /** A wx.login code for this openid (valid once). */
  issueCode(openid: string): string {
    const code = `code_${randomBytes(8).toString('hex')}`;
    this.codes.set(code, { openid, used: false });
    return code;
  }

  /** The next `times` calls to `endpoint` answer with this failure (or are delayed / dropped). */
  inject(endpoint: Endpoint, fault: Fault, times = 1): void {
    const list = this.faults.get(endpoint) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(endpoint, list);
  }

  /** The user pays: the transaction succeeds, and (unless `lose`) its notification is delivered. */
  pay(outTradeNo: string, opts: { lose?: boolean; payerTotal?: number } = {}): SimTransaction {
    const tx = this.transactions.get(outTradeNo);
    if (!tx) throw new Error(`simulator: no transaction ${outTradeNo}`);
    if (tx.trade_state !== 'NOTPAY') throw new Error(`simulator: ${outTradeNo} is ${tx.trade_state}`);
    tx.trade_state = 'SUCCESS';
    tx.transaction_id = `4200${Date.now()}${String(++this.seq).padStart(6, '0')}`;
    tx.success_time = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
    tx.amount.payer_total = opts.payerTotal ?? tx.amount.total;
    if (!opts.lose) this.deliver(outTradeNo);
    return tx;
  }

  /** Sends the notification for a transaction (retrying on failure per WeChat's schedule). */
  deliver(outTradeNo: string, opts: { forge?: Forgery; retry?: boolean } = {}): Promise<void> {
    const p = this.deliverLoop(outTradeNo, opts.forge, opts.retry ?? true).finally(() => this.pendingDeliveries.delete(p));
    this.pendingDeliveries.add(p);
    return p;
  }

  /** One signed notification for a transaction: headers and raw body (to post it yourself). */
  notification(outTradeNo: string, forge?: Forgery): { headers: Record<string, string>; body: string } {
    const tx = this.transactions.get(outTradeNo);
    if (!tx) throw new Error(`simulator: no transaction ${outTradeNo}`);
    const resource = {
      appid: forge === 'appid' ? 'wx_forged_app' : tx.appid,
      mchid: forge === 'mchid' ? '1999999999' : tx.mchid,
      out_trade_no: tx.out_trade_no,
      transaction_id: tx.transaction_id,
      trade_type: 'JSAPI',
      trade_state: tx.trade_state,
      trade_state_desc: tx.trade_state === 'SUCCESS' ? '支付成功' : tx.trade_state,
      bank_type: 'OTHERS',
      attach: '',
      success_time: tx.success_time,
      payer: tx.payer,
      amount: {
        total: forge === 'amount' ? tx.amount.total - 1 : tx.amount.total,
        payer_total: forge === 'amount' ? tx.amount.total - 1 : (tx.amount.payer_total ?? tx.amount.total),
        currency: 'CNY',
        payer_currency: 'CNY',
      },
    };
    const encrypted = encryptResource(JSON.stringify(resource), this.options.apiV3Key, 'transaction');
    if (forge === 'ciphertext') {
      const bytes = Buffer.from(encrypted.ciphertext, 'base64');
      bytes[0] = bytes[0]! ^ 0xff;
      encrypted.ciphertext = bytes.toString('base64');
    }
    const body = JSON.stringify({
      id: `EV-${randomBytes(8).toString('hex')}`,
      create_time: new Date().toISOString(),
      resource_type: 'encrypt-resource',
      event_type: tx.trade_state === 'SUCCESS' ? 'TRANSACTION.SUCCESS' : `TRANSACTION.${tx.trade_state}`,
      summary: '支付成功',
      resource: { original_type: 'transaction', ...encrypted },
    });
    const timestamp = forge === 'stale_timestamp' ? unixNow() - MAX_CLOCK_SKEW_SECONDS - 60 : unixNow();
    return { headers: this.signedHeaders(body, { timestamp, forge }), body };
  }

  /** Resolves when no notification delivery is in flight. */
  async settled(): Promise<void> {
    while (this.pendingDeliveries.size) await Promise.allSettled([...this.pendingDeliveries]);
  }

  deliveriesFor(outTradeNo: string): Delivery[] {
    return this.deliveries.filter((d) => d.outTradeNo === outTradeNo);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  async start(): Promise<this> {
    const app = express();
    app.use(express.raw({ type: () => true, limit: '1mb' }));
    app.get('/sns/jscode2session', (req, res) => this.handle('jscode2session', req, res, () => this.jscode2session(req)));
    app.post('/cgi-bin/stable_token', (req, res) => this.handle('stable_token', req, res, () => this.stableToken(req)));
    app.post('/cgi-bin/message/subscribe/send', (req, res) => this.handle('subscribe_send', req, res, () => this.subscribeSend(req)));
    app.post('/v3/pay/transactions/jsapi', (req, res) => this.handlePay('jsapi', req, res, () => this.jsapi(req)));
    app.get('/v3/pay/transactions/out-trade-no/:no', (req, res) => this.handlePay('query', req, res, () => this.query(req)));
    app.post('/v3/pay/transactions/out-trade-no/:no/close', (req, res) => this.handlePay('close', req, res, () => this.closeTransaction(req)));
    app.post('/v3/refund/domestic/refunds', (req, res) => this.handlePay('refund', req, res, () => this.refund(req)));
    // Developer controls for `npm run wechat:sim` (the mini-program cannot call the simulator's methods).
    app.post('/__sim/codes', (req, res) => {
      const { openid } = JSON.parse(req.body.toString() || '{}') as { openid?: string };
      res.json({ code: this.issueCode(openid || `o_sim_${randomBytes(6).toString('hex')}`) });
    });
    app.post('/__sim/pay/:no', (req, res) => {
      try {
        res.json(this.pay(String(req.params.no)));
      } catch (err) {
        res.status(400).json({ message: (err as Error).message });
      }
    });
    app.get('/__sim/transactions', (_req, res) => res.json([...this.transactions.values()]));
    await new Promise<void>((resolve) => {
      this.server = app.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const { port } = this.server!.address() as AddressInfo;
    this.url = `http://${this.options.host ?? '127.0.0.1'}:${port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private signedHeaders(body: string, opts: { timestamp?: number; forge?: Forgery } = {}): Record<string, string> {
    const timestamp = String(opts.timestamp ?? unixNow());
    const nonce = nonceString(32);
    let signature = rsaSign(responseMessage(timestamp, nonce, body), this.payPrivateKey);
    if (opts.forge === 'signature') {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      signature = rsaSign(responseMessage(timestamp, nonce, body), privateKey);
    }
    return {
      'Content-Type': 'application/json',
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': opts.forge === 'serial' ? 'PUB_KEY_ID_UNKNOWN' : this.payKeyId,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  private async takeFault(endpoint: Endpoint, res: Response): Promise<boolean> {
    const fault = this.faults.get(endpoint)?.shift();
    if (!fault) return false;
    if (fault.kind === 'delay') {
      await new Promise((r) => setTimeout(r, fault.ms));
      return false;
    }
    if (fault.kind === 'drop') {
      res.socket?.destroy();
      return true;
    }
    res.status(fault.status).json(fault.body);
    return true;
  }

  private async handle(endpoint: Endpoint, _req: Request, res: Response, work: () => unknown): Promise<void> {
    if (await this.takeFault(endpoint, res)) return void this.requests.push({ endpoint, ok: false });
    const answer = work() as { errcode?: number };
    this.requests.push({ endpoint, ok: !answer.errcode });
    res.json(answer);
  }

  private async handlePay(endpoint: Endpoint, req: Request, res: Response, work: () => { status: number; body?: unknown }): Promise<void> {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const auth = parseAuthorization(req.header('authorization'));
    const reply = (status: number, body?: unknown) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      this.requests.push({ endpoint, ok: status < 300 });
      res.status(status).set(this.signedHeaders(text));
      if (status === 204) res.end();
      else res.send(text);
    };
    if (!auth || auth.mchid !== this.options.mchId || auth.serial_no !== this.options.merchantSerial) {
      return reply(401, { code: 'SIGN_ERROR', message: '签名错误：缺少或无法识别的 Authorization' });
    }
    if (Math.abs(unixNow() - Number(auth.timestamp)) >= MAX_CLOCK_SKEW_SECONDS) {
      return reply(401, { code: 'SIGN_ERROR', message: '签名错误：时间戳过期' });
    }
    const message = requestMessage(req.method, req.originalUrl, auth.timestamp, auth.nonce_str, raw);
    if (!rsaVerify(message, auth.signature, this.options.merchantPublicKey)) {
      return reply(401, { code: 'SIGN_ERROR', message: '签名错误' });
    }
    if (await this.takeFault(endpoint, res)) return void this.requests.push({ endpoint, ok: false });
    try {
      const { status, body } = work();
      reply(status, body);
    } catch (err) {
      reply(400, { code: 'PARAM_ERROR', message: (err as Error).message });
    }
  }

  private json(req: Request): Record<string, any> {
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    return text ? JSON.parse(text) : {};
  }

  private jscode2session(req: Request) {
    const { appid, secret, js_code: code, grant_type: grant } = req.query as Record<string, string>;
    if (appid !== this.options.appId || secret !== this.options.appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    if (grant !== 'authorization_code') return { errcode: 40002, errmsg: 'invalid grant_type' };
    const entry = code ? this.codes.get(code) : undefined;
    if (!entry) return { errcode: 40029, errmsg: 'invalid code' };
    if (entry.used) return { errcode: 40163, errmsg: 'code been used' };
    entry.used = true;
    return { openid: entry.openid, session_key: randomBytes(16).toString('base64') };
  }

  private stableToken(req: Request) {
    const body = this.json(req);
    if (body.grant_type !== 'client_credential' || body.appid !== this.options.appId || body.secret !== this.options.appSecret) {
      return { errcode: 40013, errmsg: 'invalid appid' };
    }
    if (body.force_refresh) this.accessToken = `sim_token_${randomBytes(8).toString('hex')}`;
    return { access_token: this.accessToken, expires_in: 7200 };
  }

  private subscribeSend(req: Request) {
    if (req.query.access_token !== this.accessToken) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid' };
    const body = this.json(req);
    if (!body.touser || !body.template_id || typeof body.data !== 'object') return { errcode: 47003, errmsg: 'argument invalid' };
    this.subscribeMessages.push(body);
    return { errcode: 0, errmsg: 'ok' };
  }

  private jsapi(req: Request) {
    const b = this.json(req);
    if (b.mchid !== this.options.mchId) return { status: 403, body: { code: 'NO_AUTH', message: 'mchid 不匹配' } };
    if (b.appid !== this.options.appId) return { status: 400, body: { code: 'APPID_MCHID_NOT_MATCH', message: 'appid 与 mchid 不匹配' } };
    if (typeof b.out_trade_no !== 'string' || !/^[A-Za-z0-9_*|-]{6,32}$/.test(b.out_trade_no)) throw new Error('out_trade_no 格式错误');
    if (!Number.isInteger(b.amount?.total) || b.amount.total <= 0) throw new Error('amount.total 必须为正整数（分）');
    if (!b.payer?.openid || !b.notify_url || !b.description) throw new Error('缺少必填参数');
    if (b.time_expire && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/.test(b.time_expire)) throw new Error('time_expire 格式错误');
    const existing = this.transactions.get(b.out_trade_no);
    if (existing) {
      if (existing.trade_state === 'SUCCESS') return { status: 400, body: { code: 'ORDERPAID', message: '该订单已支付' } };
      if (existing.trade_state === 'CLOSED') return { status: 400, body: { code: 'ORDER_CLOSED', message: '订单已关闭' } };
      if (existing.amount.total !== b.amount.total || existing.payer.openid !== b.payer.openid) {
        return { status: 403, body: { code: 'OUT_TRADE_NO_USED', message: '商户订单号重复' } };
      }
      return { status: 200, body: { prepay_id: existing.prepay_id } };
    }
    const tx: SimTransaction = {
      appid: b.appid,
      mchid: b.mchid,
      out_trade_no: b.out_trade_no,
      description: b.description,
      notify_url: b.notify_url,
      time_expire: b.time_expire,
      prepay_id: `wx${Date.now()}${randomBytes(6).toString('hex')}`,
      trade_state: 'NOTPAY',
      amount: { total: b.amount.total, currency: b.amount.currency ?? 'CNY' },
      payer: { openid: b.payer.openid },
      refunds: [],
    };
    this.transactions.set(tx.out_trade_no, tx);
    return { status: 200, body: { prepay_id: tx.prepay_id } };
  }

  private query(req: Request) {
    if (req.query.mchid !== this.options.mchId) throw new Error('mchid 必填');
    const tx = this.transactions.get(String(req.params.no));
    if (!tx) return { status: 404, body: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } };
    return {
      status: 200,
      body: {
        appid: tx.appid,
        mchid: tx.mchid,
        out_trade_no: tx.out_trade_no,
        transaction_id: tx.transaction_id,
        trade_type: 'JSAPI',
        trade_state: tx.trade_state,
        trade_state_desc: tx.trade_state,
        success_time: tx.success_time,
        payer: tx.payer,
        amount: { total: tx.amount.total, payer_total: tx.amount.payer_total, currency: 'CNY', payer_currency: 'CNY' },
      },
    };
  }

  private closeTransaction(req: Request) {
    if (this.json(req).mchid !== this.options.mchId) throw new Error('mchid 必填');
    const tx = this.transactions.get(String(req.params.no));
    if (!tx) return { status: 404, body: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } };
    if (tx.trade_state === 'SUCCESS' || tx.trade_state === 'REFUND') return { status: 400, body: { code: 'ORDERPAID', message: '订单已支付' } };
    tx.trade_state = 'CLOSED';
    return { status: 204 };
  }

  private refund(req: Request) {
    const b = this.json(req);
    const tx = this.transactions.get(String(b.out_trade_no));
    if (!tx) return { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' } };
    if (tx.trade_state !== 'SUCCESS' && tx.trade_state !== 'REFUND') return { status: 400, body: { code: 'INVALID_REQUEST', message: '订单未支付' } };
    if (!b.out_refund_no || !Number.isInteger(b.amount?.refund) || b.amount.total !== tx.amount.total) throw new Error('退款参数错误');
    const refunded = tx.refunds.reduce((s, r) => s + r.amount, 0);
    const same = tx.refunds.find((r) => r.out_refund_no === b.out_refund_no);
    if (same) return { status: 200, body: { refund_id: same.refund_id, out_refund_no: same.out_refund_no, status: 'SUCCESS' } };
    if (refunded + b.amount.refund > tx.amount.total) return { status: 403, body: { code: 'NOT_ENOUGH', message: '可退金额不足' } };
    const refund = { out_refund_no: String(b.out_refund_no), refund_id: `5030${Date.now()}`, amount: b.amount.refund as number };
    tx.refunds.push(refund);
    tx.trade_state = 'REFUND';
    return { status: 200, body: { refund_id: refund.refund_id, out_refund_no: refund.out_refund_no, status: 'PROCESSING', amount: { refund: refund.amount, total: tx.amount.total, currency: 'CNY' } } };
  }

  private async deliverLoop(outTradeNo: string, forge: Forgery | undefined, retry: boolean): Promise<void> {
    const tx = this.transactions.get(outTradeNo)!;
    const scale = this.options.timeScale ?? 1;
    const schedule = retry ? WECHAT_RETRY_SCHEDULE_SECONDS : [];
    for (let attempt = 1; ; attempt++) {
      if (!this.server) return;
      const { headers, body } = this.notification(outTradeNo, forge);
      let status = 0;
      try {
        const res = await fetch(tx.notify_url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      this.deliveries.push({ outTradeNo, attempt, status, at: Date.now(), forged: forge });
      if (status === 200 || status === 204) return;
      const wait = schedule[attempt - 1];
      if (wait === undefined) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, wait * 1000 * scale);
        this.timers.add(timer);
      });
    }
  }
}

/** A merchant key pair and serial for tests and the dev simulator. */
export function merchantKeys(): { privateKey: KeyObject; publicKey: KeyObject; privateKeyPem: string; serial: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    serial: randomBytes(20).toString('hex').toUpperCase(),
  };
}
