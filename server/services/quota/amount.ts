import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';

/** English names of the quota forms' field labels (the labels are written in zh-CN at the call sites). */
const LABELS_EN: Record<string, string> = {
  额度: 'Amount', 充值额度: 'Recharge amount', 提现额度: 'Withdrawal amount', 转账额度: 'Transfer amount', 放行额度: 'Amount let through',
  单价: 'Unit price', 备注: 'Memo', 审核意见: 'Review opinion', 打款流水号: 'Payment reference', 收款账户信息: 'Payout account',
  接收方用户名: 'Recipient username',
};
export const labelEn = (label: string): string => LABELS_EN[label] ?? label;

/**
 * Quota amounts are decimal strings with at most 2 places ("12.50"). Arithmetic in JS happens in
 * integer cents (bigint); the database stores NUMERIC(16,2). Never a float.
 */
const AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

export function toCents(amount: string): bigint {
  const m = AMOUNT.exec(amount);
  if (!m) throw badRequest(say(`额度格式不正确：${amount}`, `Not an amount: ${amount}`), 'INVALID_AMOUNT', 5002);
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
  if (!AMOUNT.test(text)) throw badRequest(say(`${label}必须是最多两位小数的正数`, `${labelEn(label)} must be a positive number with at most 2 decimals`), 'INVALID_AMOUNT', 5002);
  const cents = toCents(text);
  if (cents <= 0n) throw badRequest(say(`${label}必须大于 0`, `${labelEn(label)} must be above 0`), 'INVALID_AMOUNT', 5002);
  if (options.min && cents < toCents(options.min)) throw badRequest(say(`${label}不能低于 ${options.min}`, `${labelEn(label)} cannot be below ${options.min}`), 'BELOW_MINIMUM', 5003);
  if (options.max && cents > toCents(options.max)) throw badRequest(say(`${label}不能超过 ${options.max}`, `${labelEn(label)} cannot be above ${options.max}`), 'ABOVE_MAXIMUM', 5004);
  return fromCents(cents);
}

export const negate = (amount: string): string => fromCents(-toCents(amount));
export const multiply = (unit: string, count: number): string => fromCents(toCents(unit) * BigInt(count));
/** Formats a NUMERIC value from the database (or a number setting) as an amount string. */
export const normalize = (value: string | number): string => fromCents(toCents(typeof value === 'number' ? value.toFixed(2) : value));
