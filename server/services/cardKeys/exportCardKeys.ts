import { randomUUID } from 'node:crypto';
import { authorize } from '../../policies/index.js';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { safeCell } from '../../lib/spreadsheetCell.js';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { config } from '../../config.js';
import { db } from '../../db/index.js';
import { badRequest, notFound } from '../../errors.js';
import { AdminUser } from '../../models/index.js';
import { visibleUserIdsSql, type Actor } from '../../policies/actor.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { say } from '../../i18n.js';
import { defineJob } from '../../queues/defineJob.js';
import { normalizeCode } from './codes.js';
import { guardSensitiveOperation } from '../security/sensitiveOps.js';

export const exportFilterSchema = z
  .object({
    batchId: z.coerce.number().int().positive().optional(),
    projectId: z.coerce.number().int().positive().optional(),
    agentId: z.coerce.number().int().positive().optional(),
    status: z.enum(['unused', 'active', 'expired', 'disabled', 'revoked', 'redeemed']).optional(),
    code: z.string().optional(),
    createdFrom: z.coerce.date().optional(),
    createdTo: z.coerce.date().optional(),
  })
  .strict();
export type ExportFilter = z.infer<typeof exportFilterSchema>;
export type ExportFormat = 'csv' | 'xlsx';

export interface ExportStatus {
  id: string;
  ownerId: number;
  format: ExportFormat;
  status: 'queued' | 'running' | 'done' | 'failed';
  rows: number;
  file?: string;
  error?: string;
  createdAt: string;
}

interface ExportRowState {
  id: string;
  owner_id: number;
  format: ExportFormat;
  status: ExportStatus['status'];
  rows: number;
  file: string | null;
  error: string | null;
  created_at: Date;
}

const toStatus = (r: ExportRowState): ExportStatus => ({
  id: r.id,
  ownerId: r.owner_id,
  format: r.format,
  status: r.status,
  rows: r.rows,
  ...(r.file ? { file: r.file } : {}),
  ...(r.error ? { error: r.error } : {}),
  createdAt: new Date(r.created_at).toISOString(),
});

/** An export is a row of card_key_exports (so it survives a Redis loss); the job only points at it. */
async function exportRow(id: string): Promise<ExportRowState | undefined> {
  const rows = await db().query<ExportRowState>('SELECT * FROM card_key_exports WHERE id = :id', { replacements: { id }, type: QueryTypes.SELECT });
  return rows[0];
}

const COLUMNS = [
  ['code', '卡密'],
  ['project', '项目'],
  ['validity', '有效期'],
  ['status', '状态'],
  ['agent', '代理'],
  ['batch_id', '批次'],
  ['device_id', '绑定设备'],
  ['activated_at', '激活时间'],
  ['expires_at', '到期时间'],
  ['unbind_count', '解绑次数'],
  ['created_at', '生成时间'],
] as const;

interface ExportRow {
  id: number;
  code: string;
  project: string;
  validity: string;
  status: string;
  agent: string;
  batch_id: number;
  device_id: string | null;
  activated_at: Date | null;
  expires_at: Date | null;
  unbind_count: number;
  created_at: Date;
}

/**
 * The rows `actor` may see that match `filter`, read in id order a page at a time (keyset pagination,
 * so a million-row export never holds more than a page in memory).
 */
export async function* scopedCardKeyRows(actor: Actor, filter: ExportFilter, pageSize = 5000): AsyncGenerator<ExportRow> {
  const scope = visibleUserIdsSql(actor);
  const where: string[] = [];
  const replacements: Record<string, unknown> = {};
  if (scope) where.push(`k.agent_id IN ${scope}`);
  if (filter.batchId) (where.push('k.batch_id = :batchId'), (replacements.batchId = filter.batchId));
  if (filter.projectId) (where.push('k.project_id = :projectId'), (replacements.projectId = filter.projectId));
  if (filter.agentId) (where.push('k.agent_id = :agentId'), (replacements.agentId = filter.agentId));
  if (filter.status) (where.push('k.status = :status'), (replacements.status = filter.status));
  if (filter.code) {
    const code = normalizeCode(filter.code);
    if (!code) return;
    where.push('k.code = :code');
    replacements.code = code;
  }
  if (filter.createdFrom) (where.push('k.created_at >= :createdFrom'), (replacements.createdFrom = filter.createdFrom));
  if (filter.createdTo) (where.push('k.created_at < :createdTo'), (replacements.createdTo = filter.createdTo));
  let after = 0;
  for (;;) {
    const rows = await db().query<ExportRow>(
      `SELECT k.id, k.code, p.name AS project, b.validity_label AS validity, k.status, u.username AS agent, k.batch_id,
              k.device_id, k.activated_at, k.expires_at, k.unbind_count, k.created_at
         FROM card_keys k
         JOIN projects p ON p.id = k.project_id
         JOIN card_key_batches b ON b.id = k.batch_id
         JOIN admin_users u ON u.id = k.agent_id
        WHERE k.id > :after ${where.length ? `AND ${where.join(' AND ')}` : ''}
        ORDER BY k.id
        LIMIT :pageSize`,
      { replacements: { ...replacements, after, pageSize }, type: QueryTypes.SELECT },
    );
    for (const r of rows) yield r;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

const cell = (r: ExportRow, key: (typeof COLUMNS)[number][0]) => {
  const v = r[key];
  return v instanceof Date ? v.toISOString() : safeCell(v ?? '');
};

/** Streams the scoped rows into `file` (written under a temporary name, renamed when complete). */
export async function writeCardKeyExport(actor: Actor, filter: ExportFilter, format: ExportFormat, file: string): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  let rows = 0;
  if (format === 'csv') {
    const out = createWriteStream(partial);
    out.write('\uFEFF'); // Excel opens UTF-8 CSV with Chinese headers correctly only with a BOM
    const csv = stringify({ header: true, columns: COLUMNS.map(([key, header]) => ({ key, header })) });
    csv.pipe(out);
    for await (const r of scopedCardKeyRows(actor, filter)) {
      if (!csv.write(Object.fromEntries(COLUMNS.map(([k]) => [k, cell(r, k)])))) await once(csv, 'drain');
      rows++;
    }
    csv.end();
    await once(out, 'finish');
  } else {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useStyles: false, useSharedStrings: false });
    const sheet = workbook.addWorksheet('卡密');
    sheet.columns = COLUMNS.map(([key, header]) => ({ key, header, width: key === 'code' ? 22 : 18 }));
    for await (const r of scopedCardKeyRows(actor, filter)) {
      sheet.addRow(Object.fromEntries(COLUMNS.map(([k]) => [k, cell(r, k)]))).commit();
      rows++;
    }
    sheet.commit();
    await workbook.commit();
  }
  await rename(partial, file);
  return rows;
}

/** Queues an export for the worker; the actor polls getExportStatus and downloads when done. */
export async function requestCardKeyExport(input: { actor: Actor; format: ExportFormat; filter: unknown }): Promise<ExportStatus> {
  authorize(input.actor, 'export', 'card_keys');
  await guardSensitiveOperation(input.actor.id, 'card_key_export');
  if (input.format !== 'csv' && input.format !== 'xlsx') throw badRequest('导出格式只能是 csv 或 xlsx', 'INVALID_FORMAT', 3040);
  const parsed = exportFilterSchema.safeParse(input.filter ?? {});
  if (!parsed.success) throw badRequest('导出筛选条件无效', 'INVALID_FILTER', 3041);
  const id = randomUUID();
  await db().query(`INSERT INTO card_key_exports (id, owner_id, format, filter, status) VALUES (:id, :owner, :format, :filter, 'queued')`, {
    replacements: { id, owner: input.actor.id, format: input.format, filter: JSON.stringify(parsed.data) },
  });
  await enqueueExport(id, input.actor.id, input.format, parsed.data);
  return toStatus((await exportRow(id))!);
}

/** One job per export (its id), so queueing an export again while its job exists adds nothing. */
async function enqueueExport(exportId: string, actorId: number, format: ExportFormat, filter: ExportFilter): Promise<void> {
  await exportCardKeysJob.enqueue({ exportId, actorId, format, filter }, { jobId: `export-${exportId}` });
}

/**
 * Worker side: the actor's scope is re-read from the database now, not trusted from the queue. The
 * file is written under a temporary name and renamed when complete, then the row marked done in one
 * conditional UPDATE: a build cut short (killed worker) leaves no file and the row still to do, and
 * a second build of a finished export does nothing.
 */
export async function runCardKeyExport(data: { exportId: string; actorId: number; format: ExportFormat; filter: ExportFilter }): Promise<ExportStatus> {
  const row = await exportRow(data.exportId);
  if (!row) throw new Error(`export ${data.exportId} does not exist`);
  if (row.status === 'done' || row.status === 'failed') return toStatus(row);
  const user = await AdminUser.findByPk(data.actorId);
  if (!user) throw new Error(`export ${data.exportId}: user ${data.actorId} no longer exists`);
  const actor: Actor = { id: user.id, role: user.role as Actor['role'], parentId: user.parentId };
  const file = path.resolve(config().EXPORT_DIR, `card-keys-${data.exportId}.${data.format}`);
  await db().query(`UPDATE card_key_exports SET status = 'running', builds = builds + 1, updated_at = now() WHERE id = :id AND status IN ('queued', 'running')`, {
    replacements: { id: data.exportId },
  });
  try {
    const rows = await writeCardKeyExport(actor, exportFilterSchema.parse(data.filter), data.format, file);
    await db().query(`UPDATE card_key_exports SET status = 'done', rows = :rows, file = :file, error = NULL, updated_at = now() WHERE id = :id AND status = 'running'`, {
      replacements: { id: data.exportId, rows, file },
    });
  } catch (err) {
    await db().query(`UPDATE card_key_exports SET status = 'failed', error = :error, updated_at = now() WHERE id = :id AND status = 'running'`, {
      replacements: { id: data.exportId, error: (err as Error).message.slice(0, 2000) },
    });
    throw err;
  }
  return toStatus((await exportRow(data.exportId))!);
}

/** Exports not built yet (queued, or running when their job was lost) are queued again; the job id dedups live ones. */
export async function resumeExports(): Promise<number> {
  const rows = await db().query<{ id: string; owner_id: number; format: ExportFormat; filter: ExportFilter }>(
    `SELECT id, owner_id, format, filter FROM card_key_exports WHERE status IN ('queued', 'running') ORDER BY created_at LIMIT 1000`,
    { type: QueryTypes.SELECT },
  );
  for (const r of rows) await enqueueExport(r.id, r.owner_id, r.format, exportFilterSchema.parse(r.filter));
  return rows.length;
}

export async function getExportStatus(actor: Actor, exportId: string): Promise<ExportStatus> {
  const row = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(exportId) ? await exportRow(exportId) : undefined;
  const status = row ? toStatus(row) : null;
  // Only the requester may see or download their export, whatever their role.
  if (!status || status.ownerId !== actor.id) throw notFound('导出任务不存在或已过期', 'EXPORT_NOT_FOUND', 3442);
  return status;
}

/** The finished file of the actor's own export, for the download route. */
export async function exportDownload(actor: Actor, exportId: string): Promise<{ file: string; filename: string; size: number }> {
  const status = await getExportStatus(actor, exportId);
  if (status.status !== 'done' || !status.file) throw badRequest('导出尚未完成', 'EXPORT_NOT_READY', 3443);
  // The file may be gone: export files are deleted after their retention period (purgeOldExports).
  const info = await stat(status.file).catch(() => null);
  if (!info) throw notFound(say('导出文件已过期，请重新导出', 'The export file has expired; please export again'), 'EXPORT_EXPIRED', 3444);
  const size = info.size;
  return { file: status.file, filename: `card-keys-${status.createdAt.slice(0, 10)}.${status.format}`, size };
}

export const exportCardKeysJob = defineJob({
  name: 'exports.card-keys',
  queue: 'exports',
  description: 'Stream the card keys the requester may see (CSV or XLSX) into EXPORT_DIR',
  data: z.object({ exportId: z.string().uuid(), actorId: z.number().int().positive(), format: z.enum(['csv', 'xlsx']), filter: exportFilterSchema }),
  options: { attempts: 2 },
  run: async (data) => {
    const done = await runCardKeyExport(data);
    return { exportId: done.id, rows: done.rows };
  },
});

export const EXPORT_MIME = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/**
 * Export files — card keys, stats and logs, everything in EXPORT_DIR — are deleted
 * `card_key.export_retention_hours` (setting, default 24) after they were written: they hold
 * business data, and a download link is not meant to live for ever.
 */
export async function purgeOldExports(now = new Date()): Promise<number> {
  const hours = await getSetting('card_key.export_retention_hours');
  const dir = path.resolve(config().EXPORT_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info || now.getTime() - info.mtimeMs < hours * 3_600_000) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}

export const purgeExportsJob = defineJob({
  name: 'exports.purge',
  queue: 'exports',
  description: 'Delete export files (card keys, stats, logs) older than card_key.export_retention_hours',
  data: z.object({}),
  schedule: { every: 3_600_000 },
  run: async () => ({ removed: await purgeOldExports() }),
});
