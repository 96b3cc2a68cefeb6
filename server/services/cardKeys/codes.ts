import { randomBytes } from 'node:crypto';

/** 32 symbols without the look-alikes 0/O and 1/I: each code carries 80 random bits. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_PATTERN = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;

/** `count` distinct codes `XXXX-XXXX-XXXX-XXXX` from the CSPRNG (256 is a multiple of 32, so `byte & 31` is unbiased). */
export function generateCodes(count: number): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    const need = count - out.size;
    const bytes = randomBytes(need * 16);
    for (let i = 0; i < need; i++) {
      let code = '';
      for (let j = 0; j < 16; j++) {
        if (j > 0 && j % 4 === 0) code += '-';
        code += CODE_ALPHABET[bytes[i * 16 + j]! & 31];
      }
      out.add(code);
    }
  }
  return [...out];
}

/** What users type: any case, with or without dashes/spaces; null when it cannot be a code. */
export function normalizeCode(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const raw = input.replace(/[\s-]/g, '').toUpperCase();
  if (raw.length !== 16) return null;
  const code = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}-${raw.slice(12)}`;
  return CODE_PATTERN.test(code) ? code : null;
}

/**
 * A card key as notifications and emails show it: only its last group. A stored email body or an
 * inbox is no place for a secret the client software accepts; the record link opens the key itself.
 */
export const maskedCode = (code: string): string => `••••-••••-••••-${code.slice(-4)}`;
