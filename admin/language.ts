import { AsyncLocalStorage } from 'node:async_hooks';
import type { CurrentAdmin, Locale } from 'adminjs';
import type { Request, RequestHandler } from 'express';
import { asLang, requestLang, type Lang } from '../server/i18n.js';
import { adminLocale } from './locales/index.js';

/**
 * The language of the admin request being served (`adminRequestLang`). AdminJS renders
 * its pages — the login page included — through `locale(currentAdmin)` without the request, so
 * the request's language is kept here for the time it is served.
 */
const served = new AsyncLocalStorage<Lang>();

/**
 * The admin's language for a request: `?lang=`, the switcher's cookie, the admin's saved locale,
 * else Simplified Chinese. The browser's Accept-Language does not count here (the admin is zh-CN
 * unless English is chosen, as AdminJS's own locale detection is off).
 */
export const adminRequestLang = (req: Pick<Request, 'query' | 'headers'> & { session?: Request['session'] }): Lang =>
  requestLang({ query: req.query, headers: { cookie: req.headers.cookie }, session: req.session });

export const withAdminLang: RequestHandler = (req, _res, next) => served.run(adminRequestLang(req), next);

/** Runs `work` (a page rendered outside the router, e.g. the login page of an error handler) in `lang`. */
export const servingIn = <T>(lang: Lang, work: () => T): T => served.run(lang, work);

/** The language of the admin request being served; undefined outside one. */
export const servedLang = (): Lang | undefined => served.getStore();

/** AdminJS's `locale` option: every page opens in the reader's language, with both languages loaded for the switcher. */
export function adminLocaleFor(currentAdmin?: CurrentAdmin): Locale {
  const language = served.getStore() ?? asLang((currentAdmin as { locale?: string } | undefined)?.locale);
  return { ...adminLocale, language };
}
