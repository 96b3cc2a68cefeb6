import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { openApiDocument } from '../../server/routes/api/docs.js';
import { miniprogramApiTypes, SCHEMA_FILE } from '../../scripts/miniprogramApi.js';
import { MINIPROGRAM_ROOT, miniModule } from './harness.js';

/** Static contracts of the mini-program: its API calls, its generated types, its two languages. */

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, ext);
    return path.endsWith(ext) && !path.endsWith('.d.ts') ? [path] : [];
  });
}

describe('mini-program contracts', () => {
  it('the API types are generated from the current OpenAPI document (npm run miniprogram:api)', async () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), await miniprogramApiTypes(), 'miniprogram/api/schema.d.ts is stale: run npm run miniprogram:api');
  });

  it('every api(method, path) call in the mini-program is an operation of the OpenAPI document', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    const calls = files(MINIPROGRAM_ROOT, '.ts').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bapi\(\s*'(\w+)',\s*'([^']+)'/g)].map((m) => ({ file: relative(MINIPROGRAM_ROOT, file), method: m[1]!, path: m[2]! })),
    );
    assert.ok(calls.length >= 30, `found ${calls.length} calls: the scan works`);
    const missing = calls.filter((c) => !paths[c.path]?.[c.method]).map((c) => `${c.file}: ${c.method.toUpperCase()} ${c.path}`);
    assert.deepEqual(missing, []);
  });

  it('zh-CN and en have exactly the same labels, none empty', () => {
    const { zhCN } = miniModule<{ zhCN: Record<string, unknown> }>('i18n/zh-CN.ts');
    const { en } = miniModule<{ en: Record<string, unknown> }>('i18n/en.ts');
    const leaves = (value: unknown, prefix = ''): Array<[string, unknown]> =>
      value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k)) : [[prefix, value]];
    const zh = new Map(leaves(zhCN));
    const english = new Map(leaves(en));
    assert.deepEqual([...english.keys()].sort(), [...zh.keys()].sort());
    for (const [key, value] of [...zh, ...english]) assert.ok(typeof value === 'string' && value.trim(), `${key} is empty`);
    for (const [key, value] of english) assert.doesNotMatch(String(value), /[\u4e00-\u9fff]/, `en.${key} has Chinese`);
    for (const [key, value] of zh) {
      const placeholders = (s: unknown) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(placeholders(english.get(key)), placeholders(value), `${key}: same {placeholders} in both`);
    }
  });

  it('pages show no text of their own: every label comes from the locale modules', () => {
    const offenders: string[] = [];
    for (const file of files(join(MINIPROGRAM_ROOT, 'pages'), '.wxml').concat(files(join(MINIPROGRAM_ROOT, 'components'), '.wxml'))) {
      const text = readFileSync(file, 'utf8').replace(/\{\{[^}]*\}\}/g, '');
      if (/[\u4e00-\u9fffA-Za-z]{2,}/.test(text.replace(/<[^>]*>/g, ''))) offenders.push(relative(MINIPROGRAM_ROOT, file));
    }
    for (const file of files(MINIPROGRAM_ROOT, '.ts').filter((f) => !f.includes('/i18n/'))) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      const literals = [...code.matchAll(/'([^'\n]*)'|`([^`]*)`/g)].map((m) => m[1] ?? m[2] ?? '');
      const chinese = literals.filter((l) => /[\u4e00-\u9fff]/.test(l) && !l.includes('模拟支付'));
      if (chinese.length) offenders.push(`${relative(MINIPROGRAM_ROOT, file)}: ${chinese.join(' | ')}`);
    }
    assert.deepEqual(offenders, []);
  });

  it('every t.… label a page uses exists', () => {
    const { zhCN } = miniModule<{ zhCN: Record<string, unknown> }>('i18n/zh-CN.ts');
    const resolve = (path: string) => path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), zhCN);
    const unknown: string[] = [];
    for (const file of [...files(MINIPROGRAM_ROOT, '.wxml'), ...files(MINIPROGRAM_ROOT, '.ts')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\.((?:[a-zA-Z]+\.)+[a-zA-Z]+)\b(?!\[)/g)) {
        if (resolve(m[1]!) === undefined) unknown.push(`${relative(MINIPROGRAM_ROOT, file)}: t.${m[1]}`);
      }
    }
    assert.deepEqual(unknown, []);
  });

  it('app.json lists every page folder, and the payment message opens a page that exists', () => {
    const app = JSON.parse(readFileSync(join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as { pages: string[]; tabBar: { list: Array<{ pagePath: string }> } };
    const folders = readdirSync(join(MINIPROGRAM_ROOT, 'pages')).map((p) => `pages/${p}/index`).sort();
    assert.deepEqual([...app.pages].sort(), folders);
    for (const tab of app.tabBar.list) assert.ok(app.pages.includes(tab.pagePath), tab.pagePath);
    const paymentMessage = readFileSync(new URL('../../server/services/orders/paymentMessage.ts', import.meta.url), 'utf8');
    const page = /PAYMENT_MESSAGE_PAGE = '([^']+)'/.exec(paymentMessage)?.[1];
    assert.ok(page && app.pages.includes(page), `the subscribe message opens ${page}`);
  });
});
