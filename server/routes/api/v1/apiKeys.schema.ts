import { z } from 'zod';
import { apiKeyName, createApiKeyInput } from '../../../services/apiKeys/createApiKey.js';
import { MAX_BATCH } from '../../../services/apiKeys/changeApiKeys.js';
import { listApiKeysQuery } from '../../../services/apiKeys/listApiKeys.js';

/** Request shapes of `/api/v1/api-keys`. */
export const listQuery = listApiKeysQuery;

export const createBody = createApiKeyInput;

export const keyParams = z.object({ id: z.uuid('Key ID 格式错误') });

export const updateBody = z
  .object({ name: apiKeyName.optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((v) => v.name !== undefined || v.enabled !== undefined, '请提供 name 或 enabled');

export const batchBody = z
  .object({
    action: z.enum(['enable', 'disable', 'delete'], { error: 'action 只能是 enable、disable 或 delete' }),
    ids: z.array(z.uuid('Key ID 格式错误')).min(1, '请至少选择一个 Key').max(MAX_BATCH, `一次最多操作 ${MAX_BATCH} 个 Key`),
  })
  .strict();
