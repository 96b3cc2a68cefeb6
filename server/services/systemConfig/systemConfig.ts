import type { Transaction } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { badRequest, forbidden } from '../../errors.js';
import { inLang, say } from '../../i18n.js';
import { localizedIssues } from '../../lib/input.js';
import { SystemConfig, SystemConfigChange } from '../../models/index.js';
import { inTransaction } from '../../db/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { systemConfigDefinitions, type SystemConfigKey, type SystemConfigValue } from './definitions.js';

const CACHE_MS = 2000;
// zod's own validation messages, in each language the admin may read.
const zhMessages = z.locales.zhCN().localeError;
const enMessages = z.locales.en().localeError;
let cache: { at: number; values: Map<string, unknown> } | undefined;

async function load(): Promise<Map<string, unknown>> {
  if (cache && Date.now() - cache.at < CACHE_MS) return cache.values;
  const rows = await SystemConfig.findAll({ attributes: ['key', 'value'] });
  const values = new Map(rows.map((r) => [r.key, r.value]));
  cache = { at: Date.now(), values };
  return values;
}

export function invalidateSystemConfigCache(): void {
  cache = undefined;
}

function storedOrDefault<K extends SystemConfigKey>(key: K, stored: unknown): SystemConfigValue<K> {
  const definition = systemConfigDefinitions[key];
  const parsed = definition.schema.safeParse(stored);
  return (stored !== undefined && parsed.success ? parsed.data : definition.default) as SystemConfigValue<K>;
}

/** The current value of a setting: the stored one when valid, else the default. */
export async function getSetting<K extends SystemConfigKey>(key: K): Promise<SystemConfigValue<K>> {
  return storedOrDefault(key, (await load()).get(key));
}

/**
 * As getSetting, read through the caller's transaction rather than the cache: a cache miss would
 * take a second pooled connection while `t` holds one, which can exhaust the pool under load.
 */
export async function getSettingIn<K extends SystemConfigKey>(key: K, t: Transaction): Promise<SystemConfigValue<K>> {
  const row = await SystemConfig.findByPk(key, { attributes: ['value'], transaction: t });
  return storedOrDefault(key, row?.value);
}

export function parseSettingValue(key: string, raw: unknown): unknown {
  const definition = systemConfigDefinitions[key as SystemConfigKey];
  if (!definition) throw badRequest(say(`未知的配置项：${key}`, `Unknown setting: ${key}`), 'UNKNOWN_SETTING');
  const parsed = definition.schema.safeParse(raw, { error: zhMessages });
  if (!parsed.success) {
    // Told in both languages: zod's messages in each, the definitions' own (`msg(zh, en)`) decoded.
    const en = definition.schema.safeParse(raw, { error: enMessages });
    const zhText = inLang(localizedIssues(parsed.error), 'zh-CN');
    const enText = en.success ? zhText : inLang(localizedIssues(en.error), 'en');
    throw badRequest(say(`配置项 ${key} 的值无效：${zhText}`, `The value of ${key} is not valid: ${enText}`), 'INVALID_SETTING');
  }
  return parsed.data;
}

export type SettingKind = 'boolean' | 'number' | 'string';

export const settingKind = (key: SystemConfigKey): SettingKind => typeof systemConfigDefinitions[key].default as SettingKind;

/**
 * A value typed in a form (always text) as the setting's type: "true"/"false" for switches, a
 * decimal number for numbers. Anything else is passed on as typed, so the schema names the problem.
 */
export function coerceSettingInput(key: string, input: unknown): unknown {
  if (!(key in systemConfigDefinitions) || typeof input !== 'string') return input;
  const text = input.trim();
  switch (settingKind(key as SystemConfigKey)) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : input;
    case 'number':
      return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : input;
    default:
      return text;
  }
}

/** Changes a setting (validated), logging before/after in the change log and the operation log. Super admins only. */
export async function updateSetting(
  key: string,
  raw: unknown,
  actor: { id: number; role: string },
  ip?: string,
  transaction?: Transaction,
): Promise<void> {
  authorize(actor, 'updateSetting', 'system_configs');
  const value = parseSettingValue(key, raw);
  const definition = systemConfigDefinitions[key as SystemConfigKey];
  const work = async (t: Transaction) => {
    const existing = await SystemConfig.findByPk(key, { transaction: t, lock: t.LOCK.UPDATE });
    const before = existing ? existing.value : null;
    if (existing) await existing.update({ value, updatedBy: actor.id }, { transaction: t });
    else
      await SystemConfig.create(
        { key, configGroup: definition.group, value, description: definition.description['zh-CN'], updatedBy: actor.id },
        { transaction: t },
      );
    await SystemConfigChange.create({ key, before, after: value, actorId: actor.id, ip }, { transaction: t });
    await recordOperation(
      { actor, action: 'update', resource: 'system_configs', recordId: key, before: { value: before }, after: { value }, ip },
      t,
    );
  };
  await (transaction ? work(transaction) : inTransaction(work));
  invalidateSystemConfigCache();
}

/** Writes every missing setting with its default (start-up, db:migrate, seeders); safe when several processes start at once. */
export async function ensureDefaultSettings(): Promise<void> {
  await SystemConfig.bulkCreate(
    Object.entries(systemConfigDefinitions).map(([key, d]) => ({ key, configGroup: d.group, value: d.default, description: d.description['zh-CN'] })),
    { ignoreDuplicates: true },
  );
  invalidateSystemConfigCache();
}
