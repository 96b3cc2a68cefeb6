import { randomUUID } from 'node:crypto';

/**
 * Malformed input generated from a request's JSON Schema (the OpenAPI documents' dialect): what a
 * broken or hostile client sends. Each case is meant to be refused; the sweep checks how.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: unknown;
  default?: unknown;
}

export interface BodyCase {
  name: string;
  /** A value sent as JSON… */
  body?: unknown;
  /** …or these exact bytes. */
  raw?: string;
  contentType?: string;
}

/** Large enough to pass no field's length limit, small enough to pass every body-size limit. */
export const LONG = 'L'.repeat(10_000);
/** Past every body-size limit the server has. */
export const HUGE = 'H'.repeat(1 << 20);
/** Text PostgreSQL cannot store (NUL), mixed with what renders oddly (emoji, right-to-left override). */
export const UNICODE_NUL = '😀\u202Eevil\u0000x';
/** Lone surrogates: JSON.stringify escapes them (`"\ud800"`), so the server decodes broken UTF-16. */
export const LONE_SURROGATES = '\ud800x\udfff';

export const WRONG_TYPES: Record<string, unknown> = {
  number: 12345,
  string: 'not-the-right-type',
  object: { $gt: '' },
  array: [1, 'x', null],
  null: null,
  boolean: true,
};

const typesOf = (s: JsonSchema): string[] => {
  if (s.anyOf ?? s.oneOf) return (s.anyOf ?? s.oneOf)!.flatMap(typesOf);
  if (s.enum) return [typeof s.enum[0]];
  if (s.const !== undefined) return [typeof s.const];
  const t = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  return [...t.map((x) => (x === 'integer' ? 'number' : x)), ...(s.nullable ? ['null'] : [])];
};

/** A value the schema most likely accepts, so that the one wrong field is what the validator meets. */
export function plausible(s: JsonSchema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const variants = s.anyOf ?? s.oneOf;
  if (variants?.length) return plausible(variants[0]!);
  if (s.allOf?.length) return plausible(s.allOf[0]!);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => (s.required ?? []).includes(k)).map(([k, v]) => [k, plausible(v)]));
    case 'array':
      return s.items ? [plausible(s.items)] : [];
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'string': {
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'uri' || s.format === 'url') return 'https://example.test/x';
      if (s.format === 'email') return 'sweep@example.test';
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.pattern && /\^\\d/.test(s.pattern)) return '1';
      const n = Math.min(Math.max(s.minLength ?? 1, 8), s.maxLength ?? 8);
      return 'sweep_ok_value'.slice(0, n).padEnd(n, 'x');
    }
    default:
      return 'sweep';
  }
}

/** Whole-body cases every JSON endpoint gets, whatever its schema. */
export function bodyShapeCases(): BodyCase[] {
  return [
    { name: 'no body' },
    { name: 'invalid JSON', raw: '{"a":' },
    { name: 'JSON null', raw: 'null' },
    { name: 'JSON array', raw: '[1,2,3]' },
    { name: 'JSON string', raw: '"x"' },
    { name: 'empty object', body: {} },
    { name: 'deeply nested', raw: '['.repeat(5000) + ']'.repeat(5000) },
    { name: 'wrong content type (text/plain)', raw: '{"a":1}', contentType: 'text/plain' },
    { name: 'wrong content type (form)', raw: 'a=1&b[c]=2', contentType: 'application/x-www-form-urlencoded' },
    { name: 'content type says JSON, bytes are not UTF-8', raw: '\xff\xfe{', contentType: 'application/json; charset=latin1' },
    { name: 'huge body (1 MB)', body: { huge: HUGE } },
  ];
}

/**
 * Per-field cases: each required field missing; each field with every wrong JSON type, a long string,
 * text with NUL/emoji/RTL and lone surrogates; the other fields plausible, or the `real` values given
 * (a real card key, so that a malformed device id meets the card's binding rather than "not found").
 */
export function fieldCases(schema: JsonSchema, real: Record<string, unknown> = {}): BodyCase[] {
  const props = schema.properties ?? {};
  const base = { ...(plausible({ ...schema, type: 'object' }) as Record<string, unknown>), ...real };
  const cases: BodyCase[] = [];
  for (const [field, s] of Object.entries(props)) {
    const without = { ...base };
    delete without[field];
    if ((schema.required ?? []).includes(field)) cases.push({ name: `${field}: missing`, body: without });
    const own = typesOf(s);
    for (const [type, value] of Object.entries(WRONG_TYPES)) {
      if (!own.includes(type)) cases.push({ name: `${field}: ${type} instead of ${own.join('|') || 'any'}`, body: { ...base, [field]: value } });
    }
    cases.push({ name: `${field}: long string`, body: { ...base, [field]: LONG } });
    cases.push({ name: `${field}: NUL, emoji, RTL`, body: { ...base, [field]: UNICODE_NUL } });
    cases.push({ name: `${field}: lone surrogates`, body: { ...base, [field]: LONE_SURROGATES } });
    if (own.includes('number')) cases.push({ name: `${field}: huge number`, body: { ...base, [field]: 1e308 } }, { name: `${field}: negative`, body: { ...base, [field]: -1 } });
  }
  cases.push({ name: 'only a prototype-polluting field', raw: '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}' });
  return cases;
}

/** Values for a path or query parameter a client got wrong (already URL-encoded). */
export const BAD_PARAMS: Record<string, string> = {
  letters: 'abc',
  negative: '-1',
  'huge number': '99999999999999999999999',
  emoji: encodeURIComponent('😀'),
  'NUL byte': '%00',
  'lone surrogate (bad UTF-8)': '%ED%A0%80',
  'broken escape': '%E0%A4%A',
  traversal: '..%2F..%2Fetc',
  'SQL quote': encodeURIComponent("1' OR '1'='1"),
  long: 'p'.repeat(5000),
};

/** Extra query-string cases for a parameter: arrays and objects instead of one value. */
export const QUERY_SHAPES: Record<string, (name: string) => string> = {
  array: (n) => `${n}=1&${n}=2`,
  'bracket object': (n) => `${n}[a]=1`,
  empty: (n) => `${n}=`,
};

/** Runs `tasks` with at most `width` at a time. */
export async function pool<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      for (let i = next++; i < tasks.length; i = next++) out[i] = await tasks[i]!();
    }),
  );
  return out;
}
