import { badRequest } from '../../errors.js';

/**
 * Quota amounts are decimal strings with at most 2 places ("12.50"). Arithmetic in JS happens in
 * integer cents (bigint); the database stores NUMERIC(16,2). Never a float.
 */
const AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

export function toCents(amount: string): bigint {
  const m = AMOUNT.exec(amount);
  if (!m) throw badRequest(`额度格式不正确：${amount}`, 'INVALID_AMOUNT', 5002);
  return BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Parses user input into a positive amount string, or throws a 400 saying why. */
export function parseAmount(input: unknown, options: { max?: string; min?: string; label?: string } = {}): string {
  const label = options.label ?? '额度';
  const text = typeof input === 'number' && Number.isFinite(input) ? String(input) : typeof input === 'string' ? input.trim() : '';
  if (!AMOUNT.test(text)) throw badRequest(`${label}必须是最多两位小数的正数`, 'INVALID_AMOUNT', 5002);
  const cents = toCents(text);
  if (cents <= 0n) throw badRequest(`${label}必须大于 0`, 'INVALID_AMOUNT', 5002);
  if (options.min && cents < toCents(options.min)) throw badRequest(`${label}不能低于 ${options.min}`, 'BELOW_MINIMUM', 5003);
  if (options.max && cents > toCents(options.max)) throw badRequest(`${label}不能超过 ${options.max}`, 'ABOVE_MAXIMUM', 5004);
  return fromCents(cents);
}

export const negate = (amount: string): string => fromCents(-toCents(amount));
export const multiply = (unit: string, count: number): string => fromCents(toCents(unit) * BigInt(count));
/** Formats a NUMERIC value from the database (or a number setting) as an amount string. */
export const normalize = (value: string | number): string => fromCents(toCents(typeof value === 'number' ? value.toFixed(2) : value));
