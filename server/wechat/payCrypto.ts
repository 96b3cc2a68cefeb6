import { createCipheriv, createDecipheriv, createSign, createVerify, randomBytes, type KeyObject } from 'node:crypto';

/**
 * The four WeChat Pay API v3 primitives (SHA256withRSA sign/verify over "\n"-terminated lines,
 * the Authorization header, AES-256-GCM resources). Shared by our client and the test simulator;
 * both are checked against an independent implementation (wechatpay-axios-plugin) in the tests.
 */

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** Each piece followed by "\n" (the last one too). */
export function signatureMessage(...pieces: Array<string | number>): string {
  return pieces.map((p) => `${p}\n`).join('');
}

export function requestMessage(method: string, pathWithQuery: string, timestamp: number | string, nonce: string, body: string): string {
  return signatureMessage(method.toUpperCase(), pathWithQuery, timestamp, nonce, body);
}

export function responseMessage(timestamp: number | string, nonce: string, body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), Buffer.from(body), Buffer.from('\n')]);
}

export function rsaSign(message: string | Buffer, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64');
}

export function rsaVerify(message: string | Buffer, signature: string, publicKey: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

export function nonceString(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

export interface AuthorizationParts {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

export function authorizationHeader(parts: AuthorizationParts): string {
  return `${AUTH_SCHEME} mchid="${parts.mchid}",nonce_str="${parts.nonce_str}",timestamp="${parts.timestamp}",serial_no="${parts.serial_no}",signature="${parts.signature}"`;
}

/** Parses an Authorization header (any order of the five fields); null when it is not ours. */
export function parseAuthorization(header: string | undefined): AuthorizationParts | null {
  if (!header?.startsWith(`${AUTH_SCHEME} `)) return null;
  const fields: Record<string, string> = {};
  for (const m of header.slice(AUTH_SCHEME.length + 1).matchAll(/(\w+)="([^"]*)"/g)) fields[m[1]!] = m[2]!;
  const { mchid, nonce_str, timestamp, serial_no, signature } = fields;
  if (!mchid || !nonce_str || !timestamp || !serial_no || !signature) return null;
  return { mchid, nonce_str, timestamp, serial_no, signature };
}

export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
  original_type?: string;
}

/** AES-256-GCM with the APIv3 key; the ciphertext carries the 16-byte tag at its end (base64). */
export function encryptResource(plaintext: string, apiV3Key: string, associatedData: string, nonce = nonceString(12)): EncryptedResource {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: associatedData, nonce };
}

export function decryptResource(resource: { ciphertext: string; associated_data?: string; nonce: string }, apiV3Key: string): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** `wx.requestPayment` paySign: SHA256withRSA over appId, timeStamp, nonceStr and package. */
export function paySignMessage(appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return signatureMessage(appId, timeStamp, nonceStr, pkg);
}
