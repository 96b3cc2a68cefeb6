import { fill, type Messages } from '../i18n/index';

/**
 * Display formatting only: every amount, point count and date comes from the server as is.
 * Dates are shown on China's clock (UTC+8, the business's time zone), whatever the phone's zone.
 */
const CHINA_OFFSET_MS = 8 * 3600_000;

function china(iso: string): string {
  return new Date(new Date(iso).getTime() + CHINA_OFFSET_MS).toISOString();
}

/** `2026-12-31` */
export function formatDate(iso: string | null | undefined): string {
  return iso ? china(iso).slice(0, 10) : '';
}

/** `2026-12-31 18:05` */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? china(iso).slice(0, 16).replace('T', ' ') : '';
}

/** `1,200` */
export function formatPoints(points: number): string {
  return String(points).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The server's amount ("50.00") without a zero fraction: "50", "45.50". */
export function formatYuan(amount: string): string {
  return amount.replace(/\.00$/, '');
}

/** 「5分钟前」「从未使用」 */
export function relativeTime(iso: string | null, t: Messages, now = Date.now()): string {
  if (!iso) return t.common.never;
  const minutes = Math.floor((now - new Date(iso).getTime()) / 60_000);
  if (minutes < 1) return t.common.justNow;
  if (minutes < 60) return fill(t.common.minutesAgo, { n: minutes });
  if (minutes < 24 * 60) return fill(t.common.hoursAgo, { n: Math.floor(minutes / 60) });
  if (minutes < 30 * 24 * 60) return fill(t.common.daysAgo, { n: Math.floor(minutes / 1440) });
  return formatDate(iso);
}
