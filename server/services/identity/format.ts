export type { Lang } from '../../i18n.js';

// The company works on China time; showing the lock end there avoids a UTC puzzle for users.
const TIME_ZONE = 'Asia/Shanghai';

/** "2026-11-22 12:15 (UTC+8)": a wall-clock time users can act on. */
export function formatLocalTime(date: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (UTC+8)`;
}
