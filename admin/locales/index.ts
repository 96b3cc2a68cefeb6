import type { LocaleTranslations } from 'adminjs';
import { systemConfigDefinitions } from '../../server/services/systemConfig/definitions.js';
import { inLang, type Lang } from '../../server/i18n.js';
import { en } from './en.js';
import { enumLabels } from './enums.js';
import { actionNames, formsEn, languageNames } from './formsEn.js';
import { screenTexts } from './screen.js';
import { zhCN } from './zh-CN.js';

/** The label of a setting's description (`basic.site_name` → `setting_basic__site_name`: i18next reads dots as nesting). */
export const settingLabel = (key: string) => `setting_${key.replace(/\./g, '__')}`;

const settingDescriptions = (lang: Lang): Record<string, string> =>
  Object.fromEntries(Object.entries(systemConfigDefinitions).map(([key, d]) => [settingLabel(key), inLang(d.description, lang)]));

function withEnums(base: Record<string, unknown>, lang: Lang): LocaleTranslations {
  const enums = enumLabels(lang);
  const b = base as { labels?: object; messages?: object; resources?: Record<string, object>; actions?: object; components?: Record<string, object> };
  const resources: Record<string, object> = { ...(b.resources ?? {}) };
  for (const [id, extra] of Object.entries(enums.resources)) resources[id] = { ...(resources[id] ?? {}), ...extra };
  const forms = lang === 'en' ? formsEn : {};
  const screen = screenTexts[lang];
  const components = { ...(b.components ?? {}), LanguageSelector: { availableLanguages: languageNames[lang] } };
  return {
    ...base,
    labels: { ...enums.labels, ...forms, ...settingDescriptions(lang), ...screen.labels, ...b.labels },
    messages: { ...screen.messages, ...b.messages },
    actions: { ...actionNames[lang], ...b.actions },
    components,
    resources,
  } as LocaleTranslations;
}

const translations = { 'zh-CN': withEnums(zhCN, 'zh-CN'), en: withEnums(en, 'en') };

/** Simplified Chinese by default; English is switchable from the top bar. */
export const adminLocale = {
  language: 'zh-CN' as Lang,
  availableLanguages: ['zh-CN', 'en'],
  localeDetection: false,
  translations,
};
