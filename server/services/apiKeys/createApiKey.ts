import { Op, QueryTypes } from 'sequelize';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { ApiCatalogEntry, ApiKey, ApiKeyScope } from '../../models/index.js';
import { auditKeyEvent } from './actor.js';
import { publishInvalidation } from './invalidation.js';
import { MAX_WHITELIST_ENTRIES, parseWhitelist } from './ipWhitelist.js';
import { generateApiKey } from './keyFormat.js';

export const VALIDITY_MONTHS = [1, 3, 6, 12] as const;
/** Live (not deleted) keys one user may hold: enough for any real use, a bound for abuse. */
export const MAX_KEYS_PER_USER = 50;

export const apiKeyName = z
  .string({ error: 'Key 名称必填' })
  .trim()
  .min(1, 'Key 名称必填')
  .max(20, 'Key 名称最多 20 个字符')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Key 名称不能包含控制字符');

/** What a key may call and from where: set at creation, changed later by `setApiKeyAccess`. */
export const apiKeyAccessFields = {
  /** true = every API in the catalog, now and later; false = only `apiIds`. Defaults to whether apiIds is empty. */
  scopeAll: z.boolean().optional(),
  apiIds: z.array(z.number().int().positive()).max(100, '最多选择 100 个接口').default([]),
  ipWhitelist: z.array(z.string().max(64, 'IP 条目过长')).max(MAX_WHITELIST_ENTRIES, `IP 白名单最多 ${MAX_WHITELIST_ENTRIES} 条`).default([]),
};

export function checkScope(v: { scopeAll?: boolean; apiIds: number[] }, ctx: z.RefinementCtx): void {
  if (v.scopeAll === true && v.apiIds.length > 0) ctx.addIssue({ code: 'custom', path: ['apiIds'], message: '选择全部接口时不能再指定接口' });
  if (v.scopeAll === false && v.apiIds.length === 0) ctx.addIssue({ code: 'custom', path: ['apiIds'], message: '请至少选择一个接口' });
}

export const createApiKeyInput = z
  .object({
    name: apiKeyName,
    validityMonths: z.union(VALIDITY_MONTHS.map((m) => z.literal(m)), { error: '有效期只能是 1、3、6 或 12 个月' }),
    ...apiKeyAccessFields,
  })
  .strict()
  .superRefine(checkScope);
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

/** Calendar months ahead, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(from: Date, months: number): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  /** The whole key. Returned here once; only its SHA-256 is stored. */
  key: string;
  prefix: string;
  validityMonths: number;
  expiresAt: string;
  scopeAll: boolean;
  apiIds: number[];
  ipWhitelist: string[];
  createdAt: string;
}

/** Creates a key for a mini-program user. The plaintext exists only in the return value. */
export async function createApiKey(
  owner: { userId: string; ip?: string | null },
  input: CreateApiKeyInput,
  now: Date = new Date(),
): Promise<CreatedApiKey> {
  const data = createApiKeyInput.parse(input);
  const ipWhitelist = parseWhitelist(data.ipWhitelist);
  const scopeAll = data.scopeAll ?? data.apiIds.length === 0;
  const apiIds = [...new Set(data.apiIds)].sort((a, b) => a - b);
  const generated = generateApiKey();

  const created = await inTransaction(async (t) => {
    // Locking the owner serialises this user's creations, so the per-user limit holds under concurrency.
    const [user] = await ApiKey.sequelize!.query<{ status: number }>('SELECT status FROM meta_user WHERE id = :id FOR UPDATE', {
      replacements: { id: owner.userId },
      type: QueryTypes.SELECT,
      transaction: t,
    });
    if (!user) throw notFound('用户不存在', 'USER_NOT_FOUND', 2404);
    if (user.status !== 1) throw forbidden('账号已被冻结', 'USER_FROZEN', 2403);
    const live = await ApiKey.count({ where: { userId: owner.userId, deletedAt: null }, transaction: t });
    if (live >= MAX_KEYS_PER_USER) throw conflict(`每个用户最多 ${MAX_KEYS_PER_USER} 个 API Key`, 'API_KEY_LIMIT', 3102);
    if (!scopeAll) {
      const found = await ApiCatalogEntry.findAll({ where: { id: { [Op.in]: apiIds }, status: 1 }, attributes: ['id'], transaction: t });
      const known = new Set(found.map((a) => a.id));
      const missing = apiIds.filter((id) => !known.has(id));
      if (missing.length) throw badRequest(`接口不存在或已停用：${missing.join(', ')}`, 'API_NOT_FOUND', 3104, { missing });
    }
    const key = await ApiKey.create(
      {
        userId: owner.userId,
        name: data.name,
        keyPrefix: generated.displayPrefix,
        keyHash: generated.hash,
        status: 1,
        validityMonths: data.validityMonths,
        scopeAll,
        ipWhitelist,
        expiresAt: addMonths(now, data.validityMonths),
      },
      { transaction: t },
    );
    if (!scopeAll) await ApiKeyScope.bulkCreate(apiIds.map((apiId) => ({ apiKeyId: key.id, apiId })), { transaction: t });
    const view = {
      id: key.id,
      name: key.name,
      prefix: key.keyPrefix,
      validityMonths: key.validityMonths,
      expiresAt: key.expiresAt.toISOString(),
      scopeAll,
      apiIds: scopeAll ? [] : apiIds,
      ipWhitelist,
      createdAt: key.createdAt.toISOString(),
    };
    await auditKeyEvent({ kind: 'mini_user', userId: owner.userId, ip: owner.ip }, { action: 'api_key.create', keyId: key.id, after: view }, t);
    return view;
  });
  // A process may have cached "no such key" for this hash (someone guessing); drop it.
  await publishInvalidation({ keyHashes: [generated.hash] });
  return { ...created, key: generated.plaintext };
}
