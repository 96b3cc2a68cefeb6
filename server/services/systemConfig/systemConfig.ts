import type { Transaction } from 'sequelize';
import { badRequest } from '../../errors.js';
import { SystemConfig, SystemConfigChange } from '../../models/index.js';
import { inTransaction } from '../../db/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { systemConfigDefinitions, type SystemConfigKey, type SystemConfigValue } from './definitions.js';

const CACHE_MS = 2000;
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

/** The current value of a setting: the stored one when valid, else the default. */
export async function getSetting<K extends SystemConfigKey>(key: K): Promise<SystemConfigValue<K>> {
  const definition = systemConfigDefinitions[key];
  const stored = (await load()).get(key);
  const parsed = definition.schema.safeParse(stored);
  return (stored !== undefined && parsed.success ? parsed.data : definition.default) as SystemConfigValue<K>;
}

export async function getAllSettings(): Promise<Record<SystemConfigKey, unknown>> {
  const out = {} as Record<SystemConfigKey, unknown>;
  for (const key of Object.keys(systemConfigDefinitions) as SystemConfigKey[]) out[key] = await getSetting(key);
  return out;
}

export function parseSettingValue(key: string, raw: unknown): unknown {
  const definition = systemConfigDefinitions[key as SystemConfigKey];
  if (!definition) throw badRequest(`未知的配置项：${key}`, 'UNKNOWN_SETTING');
  const parsed = definition.schema.safeParse(raw);
  if (!parsed.success) {
    throw badRequest(`配置项 ${key} 的值无效：${parsed.error.issues.map((i) => i.message).join('; ')}`, 'INVALID_SETTING');
  }
  return parsed.data;
}

/** Changes a setting (validated), logging before/after in the change log and the operation log. */
export async function updateSetting(
  key: string,
  raw: unknown,
  actor: { id: number; role: string },
  ip?: string,
  transaction?: Transaction,
): Promise<void> {
  const value = parseSettingValue(key, raw);
  const definition = systemConfigDefinitions[key as SystemConfigKey];
  const work = async (t: Transaction) => {
    const existing = await SystemConfig.findByPk(key, { transaction: t, lock: t.LOCK.UPDATE });
    const before = existing ? existing.value : null;
    if (existing) await existing.update({ value, updatedBy: actor.id }, { transaction: t });
    else
      await SystemConfig.create(
        { key, configGroup: definition.group, value, description: definition.description, updatedBy: actor.id },
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

/** Writes every missing setting with its default (start-up and seeders). */
export async function ensureDefaultSettings(): Promise<void> {
  for (const [key, d] of Object.entries(systemConfigDefinitions)) {
    await SystemConfig.findOrCreate({
      where: { key },
      defaults: { key, configGroup: d.group, value: d.default, description: d.description },
    });
  }
  invalidateSystemConfigCache();
}
