import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import { ApiCatalogEntry } from '../../models/index.js';
import { isSuperAdmin, type Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { publishInvalidation } from './invalidation.js';

/** The API catalog: what API services may charge for, and how many points a call costs. */
export interface ApiView {
  id: number;
  name: string;
  path: string;
  pointsPerCall: number;
  status: 'active' | 'disabled';
  description: string | null;
}

export function presentApi(a: ApiCatalogEntry): ApiView {
  return {
    id: a.id,
    name: a.name,
    path: a.path,
    pointsPerCall: a.pointsPerCall,
    status: a.status === 1 ? 'active' : 'disabled',
    description: a.description,
  };
}

/** What a mini-program user may pick as a key's scope. */
export async function listActiveApis(): Promise<ApiView[]> {
  const rows = await ApiCatalogEntry.findAll({ where: { status: 1 }, order: [['name', 'ASC']] });
  return rows.map(presentApi);
}

export const apiCatalogInput = z.object({
  name: z.string().trim().min(1, '接口名称不能为空').max(64, '接口名称最多 64 个字符').regex(/^[\w.:-]+$/, '接口名称只能包含字母、数字、_ . : -'),
  path: z.string().trim().min(1, '接口路径不能为空').max(255).regex(/^\/\S*$/, '接口路径必须以 / 开头且不含空白'),
  pointsPerCall: z.coerce.number().int('每次调用积分必须是整数').min(1, '每次调用积分至少为 1').max(1_000_000),
  status: z.enum(['active', 'disabled']).default('active'),
  description: z.string().trim().max(2000).nullish(),
});
export type ApiCatalogInput = z.input<typeof apiCatalogInput>;

function assertSuperAdmin(actor: Actor): void {
  if (!isSuperAdmin(actor)) throw forbidden('仅超级管理员可管理接口目录', 'SUPER_ADMIN_ONLY', 1403);
}

/** Tells every process that the catalog changed (AdminJS hooks that edit rows directly call this too). */
export function apiCatalogChanged(): Promise<void> {
  return publishInvalidation({ catalog: true });
}

export async function createApi(actor: Actor, input: ApiCatalogInput, ip: string | null = null): Promise<ApiView> {
  assertSuperAdmin(actor);
  const data = apiCatalogInput.parse(input);
  const view = await inTransaction(async (t) => {
    if (await ApiCatalogEntry.findOne({ where: { name: data.name }, transaction: t })) {
      throw conflict('接口名称已存在', 'API_NAME_TAKEN', 3111);
    }
    const row = await ApiCatalogEntry.create({ ...data, status: data.status === 'active' ? 1 : 0 }, { transaction: t });
    const created = presentApi(row);
    await recordOperation({ actor, action: 'api_catalog.create', resource: 'api_catalog', recordId: row.id, after: created, ip }, t);
    return created;
  });
  await apiCatalogChanged();
  return view;
}

export async function updateApi(actor: Actor, id: number, input: Partial<ApiCatalogInput>, ip: string | null = null): Promise<ApiView> {
  assertSuperAdmin(actor);
  const patch = apiCatalogInput.partial().parse(input);
  const view = await inTransaction(async (t) => {
    const row = await ApiCatalogEntry.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
    if (!row) throw notFound('接口不存在', 'API_NOT_FOUND', 3104);
    if (patch.name && patch.name !== row.name && (await ApiCatalogEntry.findOne({ where: { name: patch.name }, transaction: t }))) {
      throw conflict('接口名称已存在', 'API_NAME_TAKEN', 3111);
    }
    const before = presentApi(row);
    const { status, ...rest } = patch;
    await row.update({ ...rest, ...(status ? { status: status === 'active' ? 1 : 0 } : {}) }, { transaction: t });
    const after = presentApi(row);
    await recordOperation({ actor, action: 'api_catalog.update', resource: 'api_catalog', recordId: id, before, after, ip }, t);
    return after;
  });
  await apiCatalogChanged();
  return view;
}
