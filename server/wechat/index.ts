import type { KeyObject } from 'node:crypto';
import { config, type Config } from '../config.js';
import { paymentNotConfigured } from './errors.js';
import { loadPlatformCertificate, loadPrivateKey, loadPublicKey } from './keys.js';
import { WechatMiniClient } from './miniClient.js';
import { WechatPayClient } from './payClient.js';

export { WechatError } from './errors.js';
export { WechatMiniClient, type Code2Session } from './miniClient.js';
export { WechatPayClient, SignatureError, type PayTransaction } from './payClient.js';

// Clients are rebuilt when the configuration object is replaced (tests point them at a simulator).
let mini: { cfg: Config; client: WechatMiniClient } | undefined;
let pay: { cfg: Config; client: WechatPayClient | null } | undefined;

export function wechatMini(): WechatMiniClient {
  const cfg = config();
  if (mini?.cfg !== cfg) {
    mini = {
      cfg,
      client: new WechatMiniClient({
        baseUrl: cfg.WECHAT_API_BASE,
        appId: cfg.WECHAT_APP_ID,
        appSecret: cfg.WECHAT_APP_SECRET,
        timeoutMs: cfg.WECHAT_TIMEOUT_MS,
        busyRetryDelayMs: cfg.isTest ? 5 : 200,
      }),
    };
  }
  return mini.client;
}

function buildPayClient(cfg: Config): WechatPayClient | null {
  if (!cfg.WECHAT_MCH_PRIVATE_KEY || !cfg.WECHAT_MCH_CERT_SERIAL || !cfg.WECHAT_APIV3_KEY) return null;
  if (!cfg.WECHAT_PAY_PUBLIC_KEY && !cfg.WECHAT_PAY_PLATFORM_CERT) return null;
  const platformKeys = new Map<string, KeyObject>();
  if (cfg.WECHAT_PAY_PLATFORM_CERT) {
    const cert = loadPlatformCertificate(cfg.WECHAT_PAY_PLATFORM_CERT);
    platformKeys.set(cert.serial, cert.publicKey);
  }
  return new WechatPayClient({
    baseUrl: cfg.WECHAT_PAY_BASE,
    appId: cfg.WECHAT_APP_ID,
    mchId: cfg.WECHAT_MCH_ID,
    merchantPrivateKey: loadPrivateKey(cfg.WECHAT_MCH_PRIVATE_KEY),
    merchantSerial: cfg.WECHAT_MCH_CERT_SERIAL,
    apiV3Key: cfg.WECHAT_APIV3_KEY,
    payPublicKey:
      cfg.WECHAT_PAY_PUBLIC_KEY && cfg.WECHAT_PAY_PUBLIC_KEY_ID
        ? { id: cfg.WECHAT_PAY_PUBLIC_KEY_ID, key: loadPublicKey(cfg.WECHAT_PAY_PUBLIC_KEY) }
        : undefined,
    platformKeys,
    timeoutMs: cfg.WECHAT_TIMEOUT_MS,
  });
}

/** The WeChat Pay client, or null when the merchant keys are not configured. */
export function wechatPayOrNull(): WechatPayClient | null {
  const cfg = config();
  if (pay?.cfg !== cfg) pay = { cfg, client: buildPayClient(cfg) };
  return pay.client;
}

/** The WeChat Pay client; a clear 503 refusal when payment is not configured. */
export function wechatPay(): WechatPayClient {
  const client = wechatPayOrNull();
  if (!client) throw paymentNotConfigured();
  return client;
}

export function wechatNotifyUrl(): string {
  const cfg = config();
  return cfg.WECHAT_NOTIFY_URL ?? new URL('/api/pay/wechat/notify', cfg.PUBLIC_URL).toString();
}
