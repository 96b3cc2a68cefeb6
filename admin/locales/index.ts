import type { LocaleTranslations } from 'adminjs';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

/** Simplified Chinese by default; English is switchable from the top bar. */
export const adminLocale = {
  language: 'zh-CN',
  availableLanguages: ['zh-CN', 'en'],
  localeDetection: false,
  translations: { 'zh-CN': zhCN as LocaleTranslations, en: en as LocaleTranslations },
};
