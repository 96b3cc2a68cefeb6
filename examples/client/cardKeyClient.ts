/**
 * A small, dependency-free client for the Seahorse card-key API (docs/card-key-api.md).
 * Copy it into your software: it signs requests with your app secret and refuses any answer whose
 * Ed25519 signature does not verify with your project's public key.
 */
import { createHash, createHmac, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

export interface CardKeyClientOptions {
  baseUrl: string;
  appKey: string;
  appSecret: string;
  /** The project's public key (PEM) shown in the Seahorse admin. */
  publicKeyPem: string;
  /** For tests: override the clock or the nonce source. */
  now?: () => number;
  nonce?: () => string;
}

export interface VerifyAnswer {
  valid: boolean;
  reason: string;
  message: string;
  card_key?: string;
  status?: string | null;
  activated?: boolean;
  activated_at?: string | null;
  expires_at?: string | null;
  permanent?: boolean | null;
  remaining_seconds?: number | null;
  server_time: number;
}

export interface SignedResponse<T> {
  status: number;
  body: T;
  /** True only when the server's Ed25519 signature over NONCE\nBODY verified. */
  signatureValid: boolean;
  raw: string;
}

/**
 * An answer without a valid signature: Seahorse's own refusals of a request it could not check (401,
 * 429) are unsigned, and so is anything an attacker in the middle makes up. Either way it says
 * nothing about the key: treat it as a failure to verify, never as a verdict.
 */
export class UnsignedAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string | null,
  ) {
    super(`unsigned answer (HTTP ${status}${reason ? ` ${reason}` : ''}): not verified`);
  }
}

function signedOnly<T>(res: SignedResponse<T>): SignedResponse<T> {
  if (res.signatureValid) return res;
  const reason = typeof (res.body as { reason?: unknown } | null)?.reason === 'string' ? (res.body as { reason: string }).reason : null;
  throw new UnsignedAnswerError(res.status, reason);
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export function signRequest(secret: string, method: string, path: string, timestamp: string, nonce: string, body: string): string {
  const message = `${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${sha256Hex(Buffer.from(body, 'utf8'))}`;
  return createHmac('sha256', secret).update(message).digest('hex');
}

export function verifyResponseSignature(publicKey: KeyObject, nonce: string, rawBody: string, signatureB64: string | null): boolean {
  if (!signatureB64) return false;
  return verify(null, Buffer.from(`${nonce}\n${rawBody}`, 'utf8'), publicKey, Buffer.from(signatureB64, 'base64'));
}

export class CardKeyClient {
  private readonly publicKey: KeyObject;

  constructor(private readonly options: CardKeyClientOptions) {
    this.publicKey = createPublicKey(options.publicKeyPem);
  }

  /** Sends one signed request; `path` is the URL path (and query) exactly as requested. */
  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    payload?: unknown,
    /** Tests use these to send what a broken or malicious client would. */
    overrides: Partial<{ timestamp: string; nonce: string; secret: string; sentBody: string }> = {},
  ): Promise<SignedResponse<T>> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const timestamp = overrides.timestamp ?? String((this.options.now ?? Date.now)());
    const nonce = overrides.nonce ?? (this.options.nonce ? this.options.nonce() : randomBytes(16).toString('hex'));
    const signature = signRequest(overrides.secret ?? this.options.appSecret, method, path, timestamp, nonce, body);
    const res = await fetch(new URL(path, this.options.baseUrl), {
      method,
      headers: {
        'Content-Type': 'application/json',
        'X-App-Key': this.options.appKey,
        'X-Timestamp': timestamp,
        'X-Nonce': nonce,
        'X-Signature': signature,
      },
      body: method === 'GET' ? undefined : (overrides.sentBody ?? body),
    });
    const raw = await res.text();
    const echoed = res.headers.get('x-nonce');
    let signatureValid = false;
    try {
      signatureValid = echoed === nonce && verifyResponseSignature(this.publicKey, nonce, raw, res.headers.get('x-response-signature'));
    } catch {
      signatureValid = false; // a malformed signature header
    }
    let parsed: T;
    try {
      parsed = JSON.parse(raw) as T;
    } catch {
      parsed = null as T; // not JSON: never from Seahorse's signed protocol
    }
    return { status: res.status, body: parsed, signatureValid, raw };
  }

  /**
   * Verifies (and on first use activates) a key for this device. Throws UnsignedAnswerError for any
   * answer that is not signed by Seahorse — refusals (401, 429) included: no verdict, retry later.
   */
  async verify(cardKey: string, deviceId: string, deviceInfo?: Record<string, unknown>): Promise<VerifyAnswer> {
    const res = await this.request<VerifyAnswer>('POST', '/open/v1/card-keys/verify', { card_key: cardKey, device_id: deviceId, ...(deviceInfo ? { device_info: deviceInfo } : {}) });
    return signedOnly(res).body;
  }

  /** A key's status (signed 200 or 404); throws UnsignedAnswerError for an unsigned answer. */
  async query(cardKey: string): Promise<SignedResponse<Record<string, unknown>>> {
    return signedOnly(await this.request<Record<string, unknown>>('GET', `/open/v1/card-keys/${encodeURIComponent(cardKey)}`));
  }
}
