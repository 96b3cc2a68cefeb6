import { z } from 'zod';
import { badRequest, type AppError } from '../errors.js';
import { isLocalized, joinLocalized, say, type Localized } from '../i18n.js';

/**
 * Command input: each command declares ONE zod schema beside it and parses its raw input with
 * `parseInput` — the admin action, the API route, the CLI and the job hand it what they received,
 * so the rules (and their messages, in both languages) are written once.
 *
 * zod carries messages as strings, so a bilingual message travels encoded (`msg(zh, en)`) and
 * `parseInput` decodes it; zod's own (English) messages are shown in both languages, with the field.
 */
const MARK = '\u0000i18n:';

export const msg = (zh: string, en: string): string => MARK + JSON.stringify(say(zh, en));

function decode(message: string): Localized | null {
  if (!message.startsWith(MARK)) return null;
  const value: unknown = JSON.parse(message.slice(MARK.length));
  return isLocalized(value) ? value : null;
}

/** A zod failure as one message in both languages. */
export function localizedIssues(err: z.ZodError): Localized {
  return joinLocalized(
    err.issues.map((i) => decode(i.message) ?? (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)),
    '; ',
  );
}

export interface Refusal {
  reason: string;
  code: number;
}

export const INVALID_INPUT: Refusal = { reason: 'INVALID_INPUT', code: 1001 };

/**
 * The refusal for the first problem: a refine may name its own (`params: { reason, code }`), a field
 * may have one in `byField`; otherwise the command's.
 */
export function inputError(err: z.ZodError, refusal: Refusal = INVALID_INPUT, byField: Record<string, Refusal> = {}): AppError {
  const first = err.issues[0] as ({ params?: Partial<Refusal> } & z.core.$ZodIssue) | undefined;
  const own = first?.params;
  const chosen = own?.reason && own.code ? (own as Refusal) : (byField[String(first?.path[0])] ?? refusal);
  return badRequest(localizedIssues(err), chosen.reason, chosen.code);
}

/** Parses `input` with the command's schema, or throws a 400 saying (in both languages) what is wrong. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, refusal: Refusal = INVALID_INPUT, byField?: Record<string, Refusal>): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw inputError(parsed.error, refusal, byField);
  return parsed.data;
}

const blankToUndefined = (v: unknown) => (v == null || (typeof v === 'string' && v.trim() === '') ? undefined : v);

/** Free text a person may leave empty (forms send ''): trimmed, at most `max` characters, '' → null. */
export const optionalText = (label: Localized, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: msg(`${label['zh-CN']}格式不正确`, `${label.en} must be text`) })
      .trim()
      .max(max, { error: msg(`${label['zh-CN']}不能超过 ${max} 个字符`, `${label.en} must be at most ${max} characters`) })
      .optional(),
  ).transform((v) => v ?? null);

/** Free text a person must fill in: trimmed, 1..`max` characters. */
export const requiredText = (label: Localized, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: msg(`请填写${label['zh-CN']}`, `Please fill in ${label.en}`) })
      .trim()
      .max(max, { error: msg(`${label['zh-CN']}不能超过 ${max} 个字符`, `${label.en} must be at most ${max} characters`) }),
  );

/** A database id (forms and URLs send strings). */
export const recordId = (label: Localized) =>
  z.coerce.number({ error: msg(`${label['zh-CN']}不正确`, `Invalid ${label.en}`) }).int({ error: msg(`${label['zh-CN']}不正确`, `Invalid ${label.en}`) }).positive({ error: msg(`${label['zh-CN']}不正确`, `Invalid ${label.en}`) });

/** One of a fixed set of choices, with the message a person reads when it is anything else. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, message: Localized) =>
  z.enum(values, { error: msg(message['zh-CN'], message.en) });

/** What a caller hands a command: the schema's fields, each as received (the command parses them). */
export type RawInput<S extends z.ZodType> = { [K in keyof z.input<S>]?: unknown };

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Where in a decoded request part a string (or key) holds text that cannot be stored as sent: a NUL
 * character (PostgreSQL text refuses it) or a lone UTF-16 surrogate (it would be saved as U+FFFD).
 * Returns the path of the first one (`''` for the value itself), or null when all text is sound.
 */
export function malformedTextAt(value: unknown): string | null {
  // Iterative: a hostile body may nest thousands of levels deep.
  const pending: Array<[unknown, string]> = [[value, '']];
  while (pending.length) {
    const [v, path] = pending.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return path;
    } else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        if (UNSTORABLE.test(k)) return at;
        pending.push([inner, at]);
      }
    }
  }
  return null;
}

export const MALFORMED_TEXT = (field: string) =>
  say(`${field ? `${field}：` : ''}文本含有空字符或无效的 Unicode 字符`, `${field ? `${field}: ` : ''}the text contains a NUL character or invalid Unicode`);
