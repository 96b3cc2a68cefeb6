import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { config } from '../../config.js';
import { db } from '../../db/index.js';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';
import { AdminUser } from '../../models/index.js';
import { defineJob } from '../../queues/defineJob.js';
import type { Actor } from '../../policies/actor.js';
import { addDays, dayStart, parseDay } from '../stats/days.js';
import { saveExportStatus, type StatsExportStatus } from '../stats/exportStats.js';
import { userScopeSql } from '../stats/scope.js';

/**
 * 导出日志: login and operation logs as CSV or XLSX, inside the reader's scope (the owner columns of
 * the admin's rules: login_logs.user_id, operation_logs.owner_id), read a page at a time in id
 * order so a large log never sits in memory. The before/after payloads of operations stay out (they
 * may hold what the reader may not see); the admin shows them row by row.
 */
export const logExportSchema = z.object({
  log: z.enum(['login', 'operation']),
  format: z.enum(['csv', 'xlsx']),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});
export type LogExportRequest = z.input<typeof logExportSchema>;

const COLUMNS = {
  login: [
    ['created_at', '时间'],
    ['username', '用户名'],
    ['success', '成功'],
    ['reason', '结果'],
    ['ip', 'IP'],
    ['user_agent', '客户端'],
  ],
  operation: [
    ['created_at', '时间'],
    ['actor', '操作人'],
    ['actor_role', '角色'],
    ['action', '操作'],
    ['resource', '对象'],
    ['record_id', '记录'],
    ['ip', 'IP'],
  ],
} as const;

async function* logRows(actor: Actor, req: z.output<typeof logExportSchema>, pageSize = 5000): AsyncGenerator<Record<string, unknown>> {
  const where = [req.log === 'login' ? userScopeSql(actor, 'l.user_id') : userScopeSql(actor, 'l.owner_id')];
  const replacements: Record<string, unknown> = {};
  if (req.from) (where.push('l.created_at >= :from'), (replacements.from = dayStart(parseDay(req.from, 'from'))));
  if (req.to) (where.push('l.created_at < :to'), (replacements.to = dayStart(addDays(parseDay(req.to, 'to'), 1))));
  const select =
    req.log === 'login'
      ? `SELECT l.id, l.created_at, l.username, l.success, l.reason, l.ip, l.user_agent FROM login_logs l`
      : `SELECT l.id, l.created_at, u.username AS actor, l.actor_role, l.action, l.resource, l.record_id, l.ip
           FROM operation_logs l LEFT JOIN admin_users u ON u.id = l.actor_id`;
  let after = 0;
  for (;;) {
    const rows = await db().query<Record<string, unknown> & { id: string }>(`${select} WHERE l.id > :after AND ${where.join(' AND ')} ORDER BY l.id LIMIT :pageSize`, {
      replacements: { ...replacements, after, pageSize },
      type: QueryTypes.SELECT,
    });
    for (const r of rows) yield r;
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]!.id);
  }
}

const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? (v ? '是' : '否') : (v ?? ''));

/** Streams the scoped log into `file` (under a temporary name until complete); returns the rows written. */
export async function writeLogExport(actor: Actor, input: LogExportRequest, file: string, progress?: (rows: number) => void): Promise<number> {
  const req = logExportSchema.parse(input);
  const columns = COLUMNS[req.log];
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  let rows = 0;
  if (req.format === 'csv') {
    const out = createWriteStream(partial);
    out.write('\uFEFF');
    const csv = stringify({ header: true, columns: columns.map(([key, header]) => ({ key, header })) });
    csv.pipe(out);
    for await (const r of logRows(actor, req)) {
      if (!csv.write(Object.fromEntries(columns.map(([k]) => [k, cell(r[k])])))) await once(csv, 'drain');
      if (++rows % 5000 === 0) progress?.(rows);
    }
    csv.end();
    await once(out, 'finish');
  } else {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useStyles: false, useSharedStrings: false });
    const sheet = workbook.addWorksheet(req.log === 'login' ? '登录日志' : '操作日志');
    sheet.columns = columns.map(([key, header]) => ({ key, header, width: 20 }));
    for await (const r of logRows(actor, req)) {
      sheet.addRow(Object.fromEntries(columns.map(([k]) => [k, cell(r[k])]))).commit();
      if (++rows % 5000 === 0) progress?.(rows);
    }
    sheet.commit();
    await workbook.commit();
  }
  await rename(partial, file);
  return rows;
}

/** Queues a log export for the worker; status and download as for the stats exports (`statsExportStatus`, `statsExportFile`). */
export async function requestLogExport(actor: Actor, input: unknown): Promise<StatsExportStatus> {
  const parsed = logExportSchema.safeParse(input);
  if (!parsed.success) throw badRequest(say('导出参数无效', 'invalid export request'), 'INVALID_LOG_EXPORT');
  const status: StatsExportStatus = {
    id: randomUUID(),
    ownerId: actor.id,
    view: `${parsed.data.log}-logs`,
    format: parsed.data.format,
    status: 'queued',
    rows: 0,
    progress: 0,
    createdAt: new Date().toISOString(),
  };
  await saveExportStatus(status);
  await logExportJob.enqueue({ exportId: status.id, actorId: actor.id, request: parsed.data });
  return status;
}

export const logExportJob = defineJob({
  name: 'logs.export',
  queue: 'exports',
  description: 'Stream the login or operation log the requester may see (CSV or XLSX) into EXPORT_DIR',
  data: z.object({ exportId: z.string().uuid(), actorId: z.number().int().positive(), request: logExportSchema }),
  options: { attempts: 2 },
  run: async (data) => {
    const user = await AdminUser.findByPk(data.actorId);
    if (!user) throw new Error(`log export ${data.exportId}: user ${data.actorId} no longer exists`);
    const actor: Actor = { id: user.id, role: user.role as Actor['role'], parentId: user.parentId };
    const file = path.resolve(config().EXPORT_DIR, `${data.request.log}-logs-${data.exportId}.${data.request.format}`);
    const base: StatsExportStatus = {
      id: data.exportId,
      ownerId: actor.id,
      view: `${data.request.log}-logs`,
      format: data.request.format,
      status: 'running',
      rows: 0,
      progress: 0,
      createdAt: new Date().toISOString(),
    };
    await saveExportStatus(base);
    try {
      const rows = await writeLogExport(actor, data.request, file, (n) => void saveExportStatus({ ...base, rows: n }));
      await saveExportStatus({ ...base, status: 'done', progress: 100, rows, file });
      return { exportId: data.exportId, rows };
    } catch (err) {
      await saveExportStatus({ ...base, status: 'failed', error: (err as Error).message });
      throw err;
    }
  },
});
