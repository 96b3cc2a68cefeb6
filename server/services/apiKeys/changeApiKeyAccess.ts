import { Op } from 'sequelize';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { badRequest, zodIssues } from '../../errors.js';
import { ApiCatalogEntry, ApiKey, ApiKeyScope } from '../../models/index.js';
import { auditKeyEvent, type KeyActor } from './actor.js';
import { lockKeys } from './changeApiKeys.js';
import { publishInvalidation } from './invalidation.js';
import { apiKeyAccessFields, checkScope } from './createApiKey.js';
import { parseWhitelist } from './ipWhitelist.js';

/** What a key may call and from where: the rules of creation (`createApiKeyInput`), for an existing key. */
export const apiKeyAccessInput = z.object(apiKeyAccessFields).strict().superRefine(checkScope);
export type ApiKeyAccessInput = z.input<typeof apiKeyAccessInput>;

export interface ApiKeyAccess {
  id: string;
  scopeAll: boolean;
  apiIds: number[];
  ipWhitelist: string[];
}

/**
 * The owner changes a key's scope and IP whitelist (key detail page). Validated like creation,
 * written with its audit row in one transaction, then every process drops its cached copy of the
 * key, so the next charge is decided on the new rules.
 */
export async function setApiKeyAccess(actor: KeyActor, id: string, input: ApiKeyAccessInput): Promise<ApiKeyAccess> {
  const parsed = apiKeyAccessInput.safeParse(input);
  if (!parsed.success) throw badRequest(zodIssues(parsed.error), 'VALIDATION_FAILED', 1001);
  const data = parsed.data;
  const scopeAll = data.scopeAll ?? data.apiIds.length === 0;
  const apiIds = scopeAll ? [] : [...new Set(data.apiIds)].sort((a, b) => a - b);
  const ipWhitelist = parseWhitelist(data.ipWhitelist);
  let hash = '';
  const result = await inTransaction(async (t) => {
    const [key] = await lockKeys(actor, [id], t);
    hash = key!.key_hash;
    if (apiIds.length) {
      const found = await ApiCatalogEntry.findAll({ where: { id: { [Op.in]: apiIds }, status: 1 }, attributes: ['id'], transaction: t });
      const missing = apiIds.filter((a) => !found.some((f) => f.id === a));
      if (missing.length) throw badRequest(`接口不存在或已停用：${missing.join(', ')}`, 'API_NOT_FOUND', 3104, { missing });
    }
    const current = (await ApiKey.findByPk(id, { transaction: t }))!;
    const before = {
      scopeAll: current.scopeAll,
      apiIds: (await ApiKeyScope.findAll({ where: { apiKeyId: id }, attributes: ['apiId'], transaction: t })).map((s) => s.apiId).sort((a, b) => a - b),
      ipWhitelist: current.ipWhitelist,
    };
    await ApiKey.update({ scopeAll, ipWhitelist }, { where: { id }, transaction: t });
    await ApiKeyScope.destroy({ where: { apiKeyId: id }, transaction: t });
    if (apiIds.length) await ApiKeyScope.bulkCreate(apiIds.map((apiId) => ({ apiKeyId: id, apiId })), { transaction: t });
    const after = { scopeAll, apiIds, ipWhitelist };
    await auditKeyEvent(actor, { action: 'api_key.access', keyId: id, before, after }, t);
    return { id, ...after };
  });
  await publishInvalidation({ keyHashes: [hash] });
  return result;
}
