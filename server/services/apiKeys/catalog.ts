import { UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { badRequest, conflict, forbidden, notFound, zodIssues } from '../../errors.js';
import { ApiCatalogEntry } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
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

/** Tells every process that the catalog changed (after every committed catalog change below). */
export function apiCatalogChanged(): Promise<void> {
  return publishInvalidation({ catalog: true });
}

/** A catalog entry as the back office edits it (form values arrive as strings). */
const entryFields = {
  name: z.string().trim().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, '接口名为 1–64 位字母、数字或 _ . -，以字母或数字开头'),
  path: z.string().trim().regex(/^\/\S{0,254}$/, '路径以 / 开头，不含空白，最长 255 个字符'),
  pointsPerCall: z.coerce
    .number({ error: '每次调用积分须为整数' })
    .int('每次调用积分须为整数')
    .min(1, '每次调用积分至少为 1')
    .max(1_000_000, '每次调用积分最多为 1000000'),
  status: z.coerce.number().pipe(z.union([z.literal(0), z.literal(1)], { error: '状态只能是 0（停用）或 1（启用）' })),
  description: z
    .string()
    .trim()
    .max(2000, '说明最长 2000 个字符')
    .nullish()
    .transform((v) => v || null),
  /** The home page's service status for this API, set by the super admin. */
  serviceStatus: z.enum(['normal', 'degraded', 'maintenance'], { error: '服务状态只能是 normal、degraded 或 maintenance' }),
  serviceMessage: z
    .string()
    .trim()
    .max(500, '状态说明最长 500 个字符')
    .nullish()
    .transform((v) => v || null),
};
const createSchema = z.object({ ...entryFields, status: entryFields.status.default(1), serviceStatus: entryFields.serviceStatus.default('normal') });
const updateSchema = z.object(entryFields).partial();

const snapshot = (a: ApiCatalogEntry) => ({
  name: a.name,
  path: a.path,
  pointsPerCall: a.pointsPerCall,
  status: a.status,
  description: a.description,
  serviceStatus: a.serviceStatus,
  serviceMessage: a.serviceMessage,
});

function assertSuperAdmin(actor: Actor): void {
  if (actor.role !== 'super_admin') throw forbidden('只有超级管理员可以管理接口目录');
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw badRequest(zodIssues(parsed.error), 'VALIDATION_FAILED', 3001);
  return parsed.data;
}

/** A unique-name clash as a clear 409 (the unique index decides, also between two admins at once). */
async function named<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw conflict('已有同名接口', 'API_NAME_TAKEN', 3012);
    throw err;
  }
}

/**
 * Catalog changes (super admin, AdminJS): validated, written with their audit row (before/after,
 * actor, IP) in one transaction, then every process drops its cached catalog. A price change
 * applies to the next charge (charges re-read the price in the database).
 */
export async function createApiCatalogEntry(actor: Actor, input: unknown, ip: string | null = null): Promise<ApiCatalogEntry> {
  assertSuperAdmin(actor);
  const data = parse(createSchema, input);
  const entry = await named(() =>
    inTransaction(async (t) => {
      const created = await ApiCatalogEntry.create(data, { transaction: t });
      await recordOperation({ actor, action: 'api_catalog.create', resource: 'api_catalog', recordId: created.id, after: snapshot(created), ip }, t);
      return created;
    }),
  );
  await apiCatalogChanged();
  return entry;
}

export async function updateApiCatalogEntry(actor: Actor, id: number, input: unknown, ip: string | null = null): Promise<ApiCatalogEntry> {
  assertSuperAdmin(actor);
  const patch = parse(updateSchema, input);
  const entry = await named(() =>
    inTransaction(async (t) => {
      const row = await ApiCatalogEntry.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
      if (!row) throw notFound('接口不存在', 'API_NOT_FOUND', 3404);
      const before = snapshot(row);
      await row.update(patch, { transaction: t });
      await recordOperation({ actor, action: 'api_catalog.update', resource: 'api_catalog', recordId: id, before, after: snapshot(row), ip }, t);
      return row;
    }),
  );
  await apiCatalogChanged();
  return entry;
}

/**
 * Deletes entries, all or none. An entry also leaves every key's scope (scopes cascade); past
 * ledger rows keep its name and path.
 */
export async function deleteApiCatalogEntries(actor: Actor, ids: number[], ip: string | null = null): Promise<void> {
  assertSuperAdmin(actor);
  await inTransaction(async (t) => {
    for (const id of ids) {
      const row = await ApiCatalogEntry.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
      if (!row) throw notFound('接口不存在', 'API_NOT_FOUND', 3404);
      await recordOperation({ actor, action: 'api_catalog.delete', resource: 'api_catalog', recordId: id, before: snapshot(row), ip }, t);
      await row.destroy({ transaction: t });
    }
  });
  await apiCatalogChanged();
}
