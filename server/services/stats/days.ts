import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';

/** Stats count by the China business day: midnight to midnight in UTC+8 (no daylight saving). */
export const STATS_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
export const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The China business day (YYYY-MM-DD) holding the instant `at`. */
export function chinaDay(at: Date = new Date()): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The hour (0–23) of `at` on the China wall clock. */
export function chinaHour(at: Date = new Date()): number {
  return new Date(at.getTime() + OFFSET_MS).getUTCHours();
}

/** `day` shifted by `n` days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The first instant of `day` in UTC+8. */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00+08:00`));
}

/** Validates YYYY-MM-DD as a real calendar day (400 otherwise). */
export function parseDay(value: string, name = 'day'): string {
  const ok = DAY.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
  if (!ok) throw badRequest(say(`${name} 不是有效日期（YYYY-MM-DD）：${value}`, `${name} is not a valid date (YYYY-MM-DD): ${value}`), 'INVALID_DAY');
  return value;
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
