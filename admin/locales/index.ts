import type { LocaleTranslations } from 'adminjs';
import { en } from './en.js';
import { enumLabels } from './enums.js';
import { actionNames, formsEn, languageNames } from './formsEn.js';
import { zhCN } from './zh-CN.js';

function withEnums(base: Record<string, unknown>, lang: 'zh-CN' | 'en'): LocaleTranslations {
  const enums = enumLabels(lang);
  const b = base as { labels?: object; resources?: Record<string, object>; actions?: object; components?: Record<string, object> };
  const resources: Record<string, object> = { ...(b.resources ?? {}) };
  for (const [id, extra] of Object.entries(enums.resources)) resources[id] = { ...(resources[id] ?? {}), ...extra };
  const forms = lang === 'en' ? formsEn : {};
  const components = { ...(b.components ?? {}), LanguageSelector: { availableLanguages: languageNames[lang] } };
  return { ...base, labels: { ...enums.labels, ...forms, ...b.labels }, actions: { ...actionNames[lang], ...b.actions }, components, resources } as LocaleTranslations;
}

/** Simplified Chinese by default; English is switchable from the top bar. */
export const adminLocale = {
  language: 'zh-CN',
  availableLanguages: ['zh-CN', 'en'],
  localeDetection: false,
  translations: { 'zh-CN': withEnums(zhCN, 'zh-CN'), en: withEnums(en, 'en') },
};
