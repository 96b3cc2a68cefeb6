import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { hashToken } from '../identity/tokens.js';

/**
 * API key format: `sh_live_` + 36 base62 characters from a CSPRNG (≈214 bits) + a 6-character
 * base62 CRC32 of them. The fixed prefix lets secret scanners find leaked keys, and the checksum
 * lets them (and us) reject typos and random strings without a database lookup.
 */
export const API_KEY_PREFIX = 'sh_live_';
const BODY_LENGTH = 36;
const CHECKSUM_LENGTH = 6;
const DISPLAY_BODY_CHARS = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

function base62(n: number, width: number): string {
  let out = '';
  for (let v = n; out.length < width; v = Math.floor(v / 62)) out = BASE62[v % 62] + out;
  return out;
}

function checksum(body: string): string {
  return base62(crc32(body), CHECKSUM_LENGTH);
}

export interface GeneratedApiKey {
  /** The whole key: shown to the user once, never stored. */
  plaintext: string;
  /** SHA-256 hex of the whole key: what the database keeps. */
  hash: string;
  /** `sh_live_` + the first characters: enough to tell keys apart in a list. */
  displayPrefix: string;
}

export function generateApiKey(): GeneratedApiKey {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += BASE62[randomInt(62)];
  const plaintext = `${API_KEY_PREFIX}${body}${checksum(body)}`;
  return { plaintext, hash: hashApiKey(plaintext), displayPrefix: plaintext.slice(0, API_KEY_PREFIX.length + DISPLAY_BODY_CHARS) };
}

/** A key is high-entropy, so a plain SHA-256 is a safe lookup hash (no salt or slow hash needed). */
export function hashApiKey(plaintext: string): string {
  return hashToken(plaintext);
}

/** Shape and checksum only: true does not mean the key exists. */
export function isWellFormedApiKey(candidate: string): boolean {
  if (!KEY_PATTERN.test(candidate)) return false;
  const body = candidate.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + BODY_LENGTH);
  return candidate.endsWith(checksum(body));
}
