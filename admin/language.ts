import { AsyncLocalStorage } from 'node:async_hooks';
import type { CurrentAdmin, Locale } from 'adminjs';
import type { RequestHandler } from 'express';
import { asLang, requestLang, type Lang } from '../server/i18n.js';
import { adminLocale } from './locales/index.js';

/**
 * The language of the admin request being served (server/i18n.ts `requestLang`: the language
 * cookie the switcher sets, else the admin's saved locale, else the browser's). AdminJS renders
 * its pages — the login page included — through `locale(currentAdmin)` without the request, so
 * the request's language is kept here for the time it is served.
 */
const served = new AsyncLocalStorage<Lang>();

export const withAdminLang: RequestHandler = (req, _res, next) => served.run(requestLang(req), next);

/** Runs `work` (a page rendered outside the router, e.g. the login page of an error handler) in `lang`. */
export const servingIn = <T>(lang: Lang, work: () => T): T => served.run(lang, work);

/** The language of the admin request being served; undefined outside one. */
export const servedLang = (): Lang | undefined => served.getStore();

/** AdminJS's `locale` option: every page opens in the reader's language, with both languages loaded for the switcher. */
export function adminLocaleFor(currentAdmin?: CurrentAdmin): Locale {
  const language = served.getStore() ?? asLang((currentAdmin as { locale?: string } | undefined)?.locale);
  return { ...adminLocale, language };
}
