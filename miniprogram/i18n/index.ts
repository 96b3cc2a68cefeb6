import { en } from './en';
import { zhCN, type Messages } from './zh-CN';

export type { Messages };
export type Lang = 'zh-CN' | 'en';

/** English when WeChat runs in English, else Simplified Chinese (the default). */
export function currentLang(): Lang {
  let language = '';
  try {
    language = wx.getAppBaseInfo().language ?? '';
  } catch {
    language = '';
  }
  return language.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

export function messages(lang: Lang = currentLang()): Messages {
  return lang === 'en' ? en : zhCN;
}

/** `fill('{n}个Key使用中', { n: 2 })` → `2个Key使用中`. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
