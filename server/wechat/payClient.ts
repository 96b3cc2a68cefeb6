import type { KeyObject } from 'node:crypto';
import { chinaWallClock } from '../lib/chinaTime.js';
import { WechatError } from './errors.js';
import {
  authorizationHeader,
  decryptResource,
  MAX_CLOCK_SKEW_SECONDS,
  nonceString,
  paySignMessage,
  requestMessage,
  responseMessage,
  rsaSign,
  rsaVerify,
  unixNow,
} from './payCrypto.js';

export interface WechatPayOptions {
  baseUrl: string;
  appId: string;
  mchId: string;
  merchantPrivateKey: KeyObject;
  merchantSerial: string;
  apiV3Key: string;
  /** WeChat Pay public key mode: id `PUB_KEY_ID_…` and key. */
  payPublicKey?: { id: string; key: KeyObject };
  /** Platform certificate mode: serial → public key. */
  platformKeys?: Map<string, KeyObject>;
  timeoutMs: number;
}

export interface PayTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_state: string;
  trade_state_desc?: string;
  success_time?: string;
  amount?: { total: number; payer_total?: number; currency?: string };
  payer?: { openid: string };
}

export interface PrepayInput {
  description: string;
  outTradeNo: string;
  timeExpire: Date;
  notifyUrl: string;
  totalFen: number;
  openid: string;
}

export interface RefundInput {
  outTradeNo: string;
  outRefundNo: string;
  refundFen: number;
  totalFen: number;
  reason?: string;
  notifyUrl?: string;
}

export interface SignedHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
  serial?: string;
}

export class SignatureError extends Error {}

/** WeChat's RFC 3339 time with the +08:00 offset. */
export function rfc3339Beijing(date: Date): string {
  return `${chinaWallClock(date)}+08:00`;
}

/** WeChat Pay API v3 for one merchant: signed requests, verified answers, verified + decrypted notifications. */
export class WechatPayClient {
  constructor(private readonly options: WechatPayOptions) {}

  get appId(): string {
    return this.options.appId;
  }

  get mchId(): string {
    return this.options.mchId;
  }

  /** Checks a WeChat signature (response or notification) over the raw body; throws SignatureError. */
  verifySignature(headers: SignedHeaders, rawBody: string | Buffer, nowSeconds = unixNow()): void {
    const { timestamp, nonce, signature, serial } = headers;
    if (!timestamp || !nonce || !signature || !serial) throw new SignatureError('missing Wechatpay-* signature headers');
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) >= MAX_CLOCK_SKEW_SECONDS) {
      throw new SignatureError('Wechatpay-Timestamp outside the allowed window');
    }
    let key: KeyObject | undefined;
    if (serial.startsWith('PUB_KEY_ID_')) key = this.options.payPublicKey?.id === serial ? this.options.payPublicKey.key : undefined;
    else key = this.options.platformKeys?.get(serial.toUpperCase());
    if (!key) throw new SignatureError(`unknown Wechatpay-Serial ${serial}`);
    if (!rsaVerify(responseMessage(timestamp, nonce, rawBody), signature, key)) throw new SignatureError('bad signature');
  }

  /** Verifies and decrypts a payment notification; returns the decrypted resource and the envelope. */
  openNotification<T = PayTransaction>(
    headers: SignedHeaders,
    rawBody: Buffer | string,
    nowSeconds = unixNow(),
  ): { id: string; eventType: string; resource: T } {
    this.verifySignature(headers, rawBody, nowSeconds);
    const envelope = JSON.parse(Buffer.from(rawBody).toString('utf8')) as {
      id?: string;
      event_type?: string;
      resource?: { algorithm?: string; ciphertext?: string; associated_data?: string; nonce?: string };
    };
    const r = envelope.resource;
    if (!r || r.algorithm !== 'AEAD_AES_256_GCM' || !r.ciphertext || !r.nonce) throw new SignatureError('unsupported resource');
    const plaintext = decryptResource({ ciphertext: r.ciphertext, nonce: r.nonce, associated_data: r.associated_data }, this.options.apiV3Key);
    return { id: String(envelope.id ?? ''), eventType: String(envelope.event_type ?? ''), resource: JSON.parse(plaintext) as T };
  }

  /** `wx.requestPayment` parameters for a prepay id. */
  requestPaymentParams(prepayId: string): { appId: string; timeStamp: string; nonceStr: string; package: string; signType: 'RSA'; paySign: string } {
    const timeStamp = String(unixNow());
    const nonceStr = nonceString(32);
    const pkg = `prepay_id=${prepayId}`;
    const paySign = rsaSign(paySignMessage(this.options.appId, timeStamp, nonceStr, pkg), this.options.merchantPrivateKey);
    return { appId: this.options.appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  }

  async prepayJsapi(input: PrepayInput): Promise<{ prepay_id: string }> {
    return (await this.call('POST', '/v3/pay/transactions/jsapi', {
      appid: this.options.appId,
      mchid: this.options.mchId,
      description: input.description,
      out_trade_no: input.outTradeNo,
      time_expire: rfc3339Beijing(input.timeExpire),
      notify_url: input.notifyUrl,
      amount: { total: input.totalFen, currency: 'CNY' },
      payer: { openid: input.openid },
    })) as { prepay_id: string };
  }

  /** The transaction, or null when WeChat has never seen this out_trade_no. */
  async queryByOutTradeNo(outTradeNo: string): Promise<PayTransaction | null> {
    try {
      return (await this.call(
        'GET',
        `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(this.options.mchId)}`,
      )) as PayTransaction;
    } catch (err) {
      if (err instanceof WechatError && err.wxCode === 'ORDER_NOT_EXIST') return null;
      throw err;
    }
  }

  async close(outTradeNo: string): Promise<void> {
    await this.call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, {
      mchid: this.options.mchId,
    });
  }

  async refund(input: RefundInput): Promise<{ refund_id: string; status: string }> {
    return (await this.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.notifyUrl ? { notify_url: input.notifyUrl } : {}),
      amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
    })) as { refund_id: string; status: string };
  }

  private async call(method: 'GET' | 'POST', pathWithQuery: string, body?: unknown): Promise<unknown> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(unixNow());
    const nonce = nonceString(32);
    const signature = rsaSign(requestMessage(method, pathWithQuery, timestamp, nonce, payload), this.options.merchantPrivateKey);
    let res: Response;
    try {
      res = await fetch(new URL(pathWithQuery, this.options.baseUrl), {
        method,
        headers: {
          Authorization: authorizationHeader({ mchid: this.options.mchId, nonce_str: nonce, timestamp, serial_no: this.options.merchantSerial, signature }),
          Accept: 'application/json',
          'Content-Type': 'application/json',
          'User-Agent': 'seahorse-wechatpay/1',
        },
        body: method === 'GET' ? undefined : payload,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new WechatError('pay', 0, 'NETWORK', (err as Error).message, true);
    }
    const raw = Buffer.from(await res.arrayBuffer());
    const text = raw.toString('utf8');
    if (res.ok) {
      try {
        this.verifySignature(
          {
            timestamp: res.headers.get('wechatpay-timestamp') ?? undefined,
            nonce: res.headers.get('wechatpay-nonce') ?? undefined,
            signature: res.headers.get('wechatpay-signature') ?? undefined,
            serial: res.headers.get('wechatpay-serial') ?? undefined,
          },
          raw,
        );
      } catch (err) {
        throw new WechatError('pay', res.status, 'RESPONSE_SIGNATURE', (err as Error).message, false);
      }
      return text ? JSON.parse(text) : null;
    }
    let parsed: { code?: string; message?: string } = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      // a non-JSON error page (proxy, gateway): keep the status only
    }
    throw new WechatError('pay', res.status, parsed.code ?? `HTTP_${res.status}`, parsed.message ?? text.slice(0, 200), res.status >= 500 || res.status === 429);
  }
}
