import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { db } from '../../db/index.js';
import type { Actor } from '../../policies/actor.js';
import { addDays, dayStart, parseDay } from '../stats/days.js';
import { defineExport, writeWhole } from '../exports/exportJobs.js';
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
  const rowsOf = async function* () {
    let rows = 0;
    for await (const r of logRows(actor, req)) {
      yield Object.fromEntries(columns.map(([k]) => [k, cell(r[k])]));
      if (++rows % 5000 === 0) progress?.(rows);
    }
  };
  return writeWhole(file, async (partial) => {
    let rows = 0;
    if (req.format === 'csv') {
      const out = createWriteStream(partial);
      out.write('\uFEFF');
      const csv = stringify({ header: true, columns: columns.map(([key, header]) => ({ key, header })) });
      csv.pipe(out);
      for await (const row of rowsOf()) {
        rows++;
        if (!csv.write(row)) await once(csv, 'drain');
      }
      csv.end();
      await once(out, 'finish');
    } else {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useStyles: false, useSharedStrings: false });
      const sheet = workbook.addWorksheet(req.log === 'login' ? '登录日志' : '操作日志');
      sheet.columns = columns.map(([key, header]) => ({ key, header, width: 20 }));
      for await (const row of rowsOf()) {
        rows++;
        sheet.addRow(row).commit();
      }
      sheet.commit();
      await workbook.commit();
    }
    return rows;
  });
}

/** Exports of the login or operation log (job `logs.export`); status and download through services/exports. */
export const logExport = defineExport({
  name: 'logs.export',
  description: 'Stream the login or operation log the requester may see (CSV or XLSX) into EXPORT_DIR',
  request: logExportSchema,
  invalidReason: 'INVALID_LOG_EXPORT',
  describe: (req) => ({ view: `${req.log}-logs`, format: req.format, stem: `${req.log}-logs` }),
  write: (actor, req, file, progress) => writeLogExport(actor, req, file, (rows) => progress({ rows })),
});
