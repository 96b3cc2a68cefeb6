import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AdminJS, { type ResourceWithOptions } from 'adminjs';
import { Database } from '@adminjs/sequelize';
import { db } from '../../server/db/index.js';
import { projectRoot } from '../../server/lib/paths.js';
import { ScopedResource } from '../adapter/ScopedResource.js';
import { componentLoader } from '../componentLoader.js';
import { adminResources } from '../resources/index.js';
import { systemConfigDefinitions } from '../../server/services/systemConfig/definitions.js';
import { adminLocale, settingLabel } from './index.js';
import { screenTexts } from './screen.js';

type Tree = Record<string, unknown>;
const LANGS = ['zh-CN', 'en'] as const;
const CJK = /[\u3400-\u9fff]/;
const ALLOWED_LATIN = /^(ID|API|Key|Secret|URL|IP|JSON|PNG|JPG|MB|OpenID|UnionID|app_key|Client ID|CSV|XLSX|Email|SMTP|SDK|HTTP|HTTPS|WeChat|UUID|CNY|USD|Excel|XLSX)$/i;

const adminDefaults = (lang: string): Tree =>
  JSON.parse(readFileSync(path.join(projectRoot(), 'node_modules', 'adminjs', 'lib', 'locale', lang, 'translation.json'), 'utf8')) as Tree;

function get(tree: unknown, keys: string[]): unknown {
  let node = tree;
  for (const k of keys) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Tree)[k];
  }
  return node;
}

/** Only words that are not product names or acronyms count as English on a zh-CN screen. */
const englishIn = (text: string) => (text.replace(/\{\{\w+\}\}/g, '').match(/[A-Za-z][A-Za-z_]+/g) ?? []).filter((w) => w.length >= 3 && !ALLOWED_LATIN.test(w));

/**
 * Every label the admin can show — resource names, action names and titles, property labels,
 * enumerated values, the texts of our form-backed actions, the language switcher — exists in BOTH
 * locales, and each is in its own language: no English in zh-CN, no Chinese in English.
 */
describe('admin translations cover every resource, action, property and form in both languages', function () {
  this.timeout(60_000);
  const problems: string[] = [];
  let admin: AdminJS;

  before(() => {
    db();
    AdminJS.registerAdapter({ Database, Resource: ScopedResource });
    admin = new AdminJS({ resources: adminResources() as ResourceWithOptions[], componentLoader, locale: adminLocale });
  });

  /** The translation of `keys` (resource-specific first, then global, then AdminJS's own defaults). */
  function lookup(lang: (typeof LANGS)[number], resourceId: string | null, keys: string[]): string | undefined {
    const ours = adminLocale.translations[lang] as unknown as Tree;
    const candidates = [
      resourceId ? get(ours, ['resources', resourceId, ...keys]) : undefined,
      get(ours, keys),
      resourceId ? get(adminDefaults(lang), ['resources', resourceId, ...keys]) : undefined,
      get(adminDefaults(lang), keys),
    ];
    const found = candidates.find((c) => typeof c === 'string');
    return found as string | undefined;
  }

  const zhSource: Record<string, string> = {};
  function check(where: string, resourceId: string | null, keys: string[], fallbackZh?: string): void {
    if (fallbackZh !== undefined) zhSource[keys.join('.')] = fallbackZh;
    for (const lang of LANGS) {
      const text = lookup(lang, resourceId, keys) ?? (lang === 'zh-CN' ? fallbackZh : undefined);
      if (text === undefined) {
        problems.push(`${lang}: missing ${keys.join('.')} (${where})`);
        continue;
      }
      if (lang === 'en' && CJK.test(text)) problems.push(`en: Chinese in ${keys.join('.')} = "${text}" (${where})`);
      if (lang === 'zh-CN' && !CJK.test(text) && !/^https?:\/\//.test(text) && englishIn(text).length) problems.push(`zh-CN: English in ${keys.join('.')} = "${text}" (${where})`);
    }
  }

  it('walks every resource and action in zh-CN and en', () => {
    check('language switcher', null, ['components', 'LanguageSelector', 'availableLanguages', 'zh-CN']);
    check('language switcher', null, ['components', 'LanguageSelector', 'availableLanguages', 'en']);
    // The components' own words (CommandForm, the settings form, the upload button, select boxes) and the adapter's refusals.
    for (const lang of LANGS) {
      for (const [group, table] of Object.entries(screenTexts[lang])) {
        for (const key of Object.keys(table)) check(`screen words (${lang} table)`, null, [group, key]);
      }
    }
    // The login page's words (our Login component adds the captcha and the links).
    for (const key of Object.keys((adminLocale.translations['zh-CN'] as unknown as { components: { Login: Tree } }).components.Login)) {
      if (key !== 'properties') check('login page', null, ['components', 'Login', key]);
    }
    // Every setting's description, as the settings list and form show it.
    for (const key of Object.keys(systemConfigDefinitions)) check(`setting ${key}`, null, ['labels', settingLabel(key)]);
    for (const resource of admin.resources) {
      const id = resource.id();
      const decorated = resource.decorate();
      check(`resource ${id}`, null, ['labels', id]);
      for (const [name, decorator] of Object.entries(decorated.actions)) {
        const action = (decorator as unknown as { action: { isVisible?: unknown; custom?: unknown } }).action;
        if (action.isVisible === false) continue;
        check(`${id} action ${name}`, id, ['actions', name]);
        const spec = action.custom as { title?: string; description?: string; submitLabel?: string; fields?: Array<{ name: string; label: string; placeholder?: string; options?: Array<{ value: string; label: string }> }>; summary?: Array<{ label: string; path: string }> } | undefined;
        if (!spec?.title) continue;
        // Form-backed actions: zh-CN texts in the spec, English under `<resource>_<action>_<key>`.
        const form = (key: string, zh: string) => check(`${id} ${name} form`, id, ['labels', `${id}_${name}_${key}`], zh);
        form('title', spec.title);
        if (spec.description) form('description', spec.description);
        form('submitLabel', spec.submitLabel ?? '');
        for (const s of spec.summary ?? []) form(`summary_${s.path}`, s.label);
        for (const f of spec.fields ?? []) {
          form(f.name, f.label);
          if (f.placeholder) form(`${f.name}_placeholder`, f.placeholder);
          for (const o of f.options ?? []) form(`${f.name}_${o.value}`, o.label);
        }
      }
      const seen = new Set<string>();
      for (const where of ['list', 'show', 'edit', 'filter'] as const) {
        for (const property of decorated.getProperties({ where })) {
          const p = property.propertyPath;
          if (!p || seen.has(p)) continue;
          seen.add(p);
          check(`${id} property ${p}`, id, ['properties', p]);
          for (const v of property.availableValues() ?? []) check(`${id} ${p} value`, id, ['labels', p, String(v.value)]);
        }
      }
    }
    const unique = [...new Set(problems)];
    if (process.env.DUMP_MISSING) writeFileSync(process.env.DUMP_MISSING, JSON.stringify(Object.fromEntries(unique.filter((u) => u.startsWith('en: missing labels.')).map((u) => u.slice('en: missing '.length).split(' (')[0]!).map((k) => [k.slice('labels.'.length), zhSource[k] ?? ''])), null, 1));
    assert.equal(unique.length, 0, `${unique.length} translation problems:\n${unique.join('\n')}`);
  });
});
