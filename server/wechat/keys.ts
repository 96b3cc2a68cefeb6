import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A key given as PEM text or as a path to a PEM file (config values may be either). */
function pemText(value: string): string {
  return value.includes('-----BEGIN') ? value.replace(/\\n/g, '\n') : readFileSync(value, 'utf8');
}

export function loadPrivateKey(value: string): KeyObject {
  return createPrivateKey(pemText(value));
}

export function loadPublicKey(value: string): KeyObject {
  return createPublicKey(pemText(value));
}

/** A WeChat Pay platform certificate: its serial (upper-case hex, as sent in Wechatpay-Serial) and key. */
export function loadPlatformCertificate(value: string): { serial: string; publicKey: KeyObject } {
  const cert = new X509Certificate(pemText(value));
  return { serial: cert.serialNumber.toUpperCase(), publicKey: cert.publicKey };
}
