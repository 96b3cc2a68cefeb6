import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { say, type Localized } from '../../i18n.js';

/**
 * Bilingual zod messages for the catalog commands: a message is written once in both languages
 * (`m(zh, en)`, carried inside zod's one string) and a failure becomes ONE AppError whose text is
 * the list of problems in zh-CN and in English.
 */
const SEP = '\u001f';
export const m = (zh: string, en: string): string => `${zh}${SEP}${en}`;

function split(message: string): Localized {
  const [zh, en] = message.split(SEP);
  return en === undefined ? say(zh!, zh!) : say(zh!, en);
}

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const parts = parsed.error.issues.map((i) => split(i.message));
  throw badRequest(say(parts.map((p) => p['zh-CN']).join('；'), parts.map((p) => p.en).join('; ')), 'VALIDATION_FAILED', 3001);
}

/** Form values arrive as strings; an empty field means "not given". */
const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

/** A money amount: > 0, at most 2 decimals, below 100,000,000; returned as a fixed "12.30" string. */
export const money = (zh: string, en: string) =>
  z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: m(`${zh}必须填写`, `${en} is required`) })
      .regex(/^\d{1,8}(\.\d{1,2})?$/, m(`${zh}须为最多两位小数的金额`, `${en} must be an amount with at most 2 decimals`))
      .refine((s) => Number(s) > 0, m(`${zh}必须大于 0`, `${en} must be greater than 0`))
      .transform((s) => Number(s).toFixed(2)),
  );

/** A positive whole number (points, days). */
export const positiveInt = (zh: string, en: string, max = 100_000_000) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: m(`${zh}必须填写`, `${en} is required`) })
      .int(m(`${zh}须为正整数`, `${en} must be a positive whole number`))
      .min(1, m(`${zh}须为正整数`, `${en} must be a positive whole number`))
      .max(max, m(`${zh}最大为 ${max}`, `${en} is at most ${max}`)),
  );

/** A whole number ≥ 0 (bonus points). */
export const wholeNumber = (zh: string, en: string, max = 100_000_000) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: m(`${zh}须为整数`, `${en} must be a whole number`) })
      .int(m(`${zh}须为整数`, `${en} must be a whole number`))
      .min(0, m(`${zh}不能为负数`, `${en} cannot be negative`))
      .max(max, m(`${zh}最大为 ${max}`, `${en} is at most ${max}`)),
  );

export const sortOrder = z.preprocess(
  blankToUndefined,
  z.coerce
    .number({ error: m('排序须为整数', 'Sort must be a whole number') })
    .int(m('排序须为整数', 'Sort must be a whole number'))
    .min(-32768, m('排序超出范围', 'Sort is out of range'))
    .max(32767, m('排序超出范围', 'Sort is out of range')),
);

export const onOff = (zh = '状态', en = 'Status') =>
  z.preprocess(
    blankToUndefined,
    z.coerce.number().pipe(z.union([z.literal(0), z.literal(1)], { error: m(`${zh}只能是 0 或 1`, `${en} must be 0 or 1`) })),
  );

export const name = z
  .string({ error: m('名称必须填写', 'Name is required') })
  .trim()
  .min(1, m('名称必须填写', 'Name is required'))
  .max(100, m('名称最长 100 个字符', 'Name is at most 100 characters'));

export const description = z
  .string()
  .trim()
  .max(5000, m('说明最长 5000 个字符', 'Description is at most 5000 characters'))
  .nullish()
  .transform((v) => v || null);

export const dateTime = (zh: string, en: string) =>
  z.preprocess(
    (v) => (v === '' || v === null || v === undefined ? undefined : v instanceof Date ? v : new Date(String(v))),
    z
      .date({ error: m(`${zh}必须填写`, `${en} is required`) })
      .refine((d) => !Number.isNaN(d.getTime()), m(`${zh}不是有效的时间`, `${en} is not a valid date and time`)),
  );

export const uuid = (zh: string, en: string) =>
  z.string({ error: m(`请选择${zh}`, `Choose ${en}`) }).trim().uuid(m(`请选择有效的${zh}`, `Choose a valid ${en}`));

export const flag = z.preprocess((v) => (v === '' || v === undefined ? undefined : v === true || v === 'true' || v === '1' || v === 1), z.boolean());

/** Drops keys whose value is undefined (a partial update touches only the fields it names). */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
