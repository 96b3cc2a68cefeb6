import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';
import { visibleUserIdsSql, type Actor } from '../../policies/actor.js';
import { addDays, chinaDay, parseDay } from './days.js';

/**
 * What a stats read asks for: a range kind (day / week / month / year: the window and the size of
 * one bar), optionally explicit first and last days, and filters. One schema for the dashboard API,
 * the stats views, their exports and the CLI.
 */
export const RANGES = ['day', 'week', 'month', 'year'] as const;
export type RangeKind = (typeof RANGES)[number];

const optionalDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .or(z.literal('').transform(() => undefined));
const optionalId = z.union([z.literal('').transform(() => undefined), z.coerce.number().int().positive()]).optional();

export const statsQuerySchema = z.object({
  range: z.enum(RANGES).default('day'),
  from: optionalDay,
  to: optionalDay,
  projectId: optionalId,
  agentId: optionalId,
});
export type StatsQuery = z.input<typeof statsQuerySchema>;

export interface StatsWindow {
  range: RangeKind;
  from: string;
  to: string;
  /** The first day of every bar, in order (empty bars included). */
  buckets: string[];
  projectId?: number;
  agentId?: number;
}

/** How many bars the default window of each range kind holds (the last 30 days, 12 weeks, 12 months, 5 years). */
const DEFAULT_BARS: Record<RangeKind, number> = { day: 30, week: 12, month: 12, year: 5 };
const MAX_DAYS = 366 * 10;

/** The first day of the bar holding `day`. */
export function bucketOf(day: string, range: RangeKind): string {
  if (range === 'day') return day;
  if (range === 'month') return `${day.slice(0, 7)}-01`;
  if (range === 'year') return `${day.slice(0, 4)}-01-01`;
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -weekday);
}

function nextBucket(start: string, range: RangeKind): string {
  if (range === 'day') return addDays(start, 1);
  if (range === 'week') return addDays(start, 7);
  const d = new Date(`${start}T00:00:00Z`);
  if (range === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
}

/** The window a query names, `today` being the current China business day. */
export function statsWindow(raw: unknown, today: string = chinaDay()): StatsWindow {
  const parsed = statsQuerySchema.safeParse(raw ?? {});
  if (!parsed.success) throw badRequest(say('统计查询参数无效', 'invalid stats query'), 'INVALID_STATS_QUERY', 1001, parsed.error.issues);
  const q = parsed.data;
  const to = q.to ? parseDay(q.to, 'to') : today;
  let from: string;
  if (q.from) from = parseDay(q.from, 'from');
  else {
    from = bucketOf(to, q.range);
    for (let i = 1; i < DEFAULT_BARS[q.range]; i++) from = bucketOf(addDays(from, -1), q.range);
  }
  if (from > to) throw badRequest(say(`起始日期 ${from} 晚于结束日期 ${to}`, `from ${from} is after to ${to}`), 'INVALID_RANGE');
  if (Date.parse(to) - Date.parse(from) > MAX_DAYS * 86_400_000) throw badRequest(say('统计区间最长十年', 'a stats range spans at most ten years'), 'RANGE_TOO_LONG');
  const buckets: string[] = [];
  for (let b = bucketOf(from, q.range); b <= to; b = nextBucket(b, q.range)) buckets.push(b);
  return { range: q.range, from, to, buckets, projectId: q.projectId, agentId: q.agentId };
}

/** SQL for "this user column is one the actor may see" (TRUE for a super admin). */
export function userScopeSql(actor: Actor, column: string): string {
  const visible = visibleUserIdsSql(actor);
  return visible ? `${column} IN ${visible}` : 'TRUE';
}
