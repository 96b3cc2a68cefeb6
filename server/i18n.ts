import type { IncomingHttpHeaders } from 'node:http';

/**
 * One language on screen at a time: Simplified Chinese by default, English available. Every
 * message a person can read (refusals, notices, validation failures) is written once in both
 * languages as a `Localized`, and picked for the reader where it is shown (the API envelope, the
 * admin notice, an identity page), never translated after the fact.
 */
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
export const DEFAULT_LANG: Lang = 'zh-CN';

export interface Localized {
  'zh-CN': string;
  en: string;
}

/** A message in both languages: `say('额度不足', 'Not enough quota')`. */
export const say = (zh: string, en: string): Localized => ({ 'zh-CN': zh, en });

export const isLocalized = (value: unknown): value is Localized =>
  !!value && typeof value === 'object' && typeof (value as Localized)['zh-CN'] === 'string' && typeof (value as Localized).en === 'string';

export const asLang = (value: unknown): Lang => (value === 'en' || (typeof value === 'string' && value.toLowerCase().startsWith('en')) ? 'en' : 'zh-CN');

/** The text for `lang`; a plain string is the same in both (codes, names, user text). */
export function inLang(text: string | Localized, lang: Lang): string {
  return typeof text === 'string' ? text : text[lang];
}

/** Joins localized parts (and plain strings) language by language. */
export function joinLocalized(parts: ReadonlyArray<string | Localized>, separator = ''): Localized {
  return say(parts.map((p) => inLang(p, 'zh-CN')).join(separator), parts.map((p) => inLang(p, 'en')).join(separator));
}

/** The cookie the identity pages and the admin's language switch set; it wins over every other hint. */
export const LANG_COOKIE = 'seahorse_lang';

interface LangSource {
  query?: unknown;
  headers: IncomingHttpHeaders;
  session?: { adminUser?: { locale?: string | null } } | null;
}

/**
 * The reader's language: `?lang=`, then the language cookie, then the logged-in admin's saved
 * locale, then `Accept-Language` (English only when English is preferred), else zh-CN.
 */
export function requestLang(req: LangSource): Lang {
  const asked = (req.query as Record<string, unknown> | undefined)?.lang;
  if (asked === 'en' || asked === 'zh-CN') return asked;
  const cookie = new RegExp(`(?:^|;\\s*)${LANG_COOKIE}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1];
  if (cookie === 'en' || cookie === 'zh-CN') return cookie;
  const saved = req.session?.adminUser?.locale;
  if (saved === 'en' || saved === 'zh-CN') return saved;
  const accept = req.headers['accept-language'];
  if (typeof accept === 'string') {
    const first = accept.split(',')[0]?.trim().toLowerCase() ?? '';
    if (first.startsWith('en')) return 'en';
  }
  return DEFAULT_LANG;
}
