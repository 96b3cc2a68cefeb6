import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { z } from 'zod';
import { config } from '../../config.js';
import { badRequest, notFound } from '../../errors.js';
import { say, type Lang } from '../../i18n.js';
import { AdminUser } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { defineJob } from '../../queues/defineJob.js';
import { redis, redisKey } from '../../redis.js';
import { fontRuns } from './pdfFont.js';
import { statsQuerySchema } from './scope.js';
import { cellText, statsView, statsViewSchema, type StatsTable, type StatsView } from './views.js';

/**
 * Exports of the stats views: XLSX (every row) and PDF (title, range and filters, the view's chart
 * drawn as vector bars, the table, the totals; Chinese embedded as Noto Sans SC subsets). The
 * writers take a finished table and a file path and know nothing of HTTP; the worker job writes
 * the file under EXPORT_DIR and records its progress, and `statsExportFile` hands the finished file
 * of the requester's own export to whatever route serves downloads.
 */

export const STATS_EXPORT_FORMATS = ['xlsx', 'pdf'] as const;
export type StatsExportFormat = (typeof STATS_EXPORT_FORMATS)[number];

export const statsExportSchema = z.object({
  view: statsViewSchema,
  format: z.enum(STATS_EXPORT_FORMATS),
  query: statsQuerySchema.default({ range: 'day' }),
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
});
export type StatsExportRequest = z.input<typeof statsExportSchema>;

const lineOf = (t: StatsTable, lang: Lang) => {
  const w = t.window;
  const range = { day: say('日', 'day'), week: say('周', 'week'), month: say('月', 'month'), year: say('年', 'year') }[w.range][lang];
  const parts = [`${w.from} ~ ${w.to}`, lang === 'en' ? `by ${range}` : `按${range}`];
  if (w.projectId) parts.push(lang === 'en' ? `project #${w.projectId}` : `项目 #${w.projectId}`);
  if (w.agentId) parts.push(lang === 'en' ? `user #${w.agentId}` : `用户 #${w.agentId}`);
  return parts.join(' · ');
};
const totalLabel = (lang: Lang) => (lang === 'en' ? 'Total' : '合计');

/** Writes `table` as an XLSX workbook (title, range line, header, rows, totals) into `file`. */
export async function writeStatsXlsx(table: StatsTable, file: string, lang: Lang = 'zh-CN', progress?: (done: number) => void): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(table.title[lang].slice(0, 31));
  sheet.columns = table.columns.map((c) => ({ key: c.key, width: c.kind === 'text' ? 18 : 12 }));
  sheet.addRow([table.title[lang]]).commit();
  sheet.addRow([lineOf(table, lang)]).commit();
  sheet.addRow(table.columns.map((c) => c.title[lang])).commit();
  const value = (c: StatsTable['columns'][number], v: string | number | undefined) => (c.kind === 'text' ? cellText(c, v, lang) : Number(v ?? 0));
  table.rows.forEach((r, i) => {
    sheet.addRow(table.columns.map((c) => value(c, r[c.key]))).commit();
    if (i % 1000 === 999) progress?.(i + 1);
  });
  sheet.addRow(table.columns.map((c, i) => (i === 0 ? totalLabel(lang) : c.kind === 'text' ? '' : Number(table.totals[c.key] ?? 0)))).commit();
  sheet.commit();
  await workbook.commit();
}

/** Most rows a PDF holds (a printable report; the XLSX has every row). */
export const PDF_MAX_ROWS = 2000;

/** Writes `table` as a PDF report (A4 landscape) into `file`. */
export async function writeStatsPdf(table: StatsTable, file: string, lang: Lang = 'zh-CN', progress?: (done: number) => void): Promise<void> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, info: { Title: table.title[lang], Producer: 'Seahorse' } });
  const out = createWriteStream(file);
  doc.pipe(out);
  const fonts = new Set<string>();
  const widthOf = (text: string, size: number) =>
    fontRuns(text).reduce((s, r) => {
      use(r.file);
      return s + doc.fontSize(size).widthOfString(r.text);
    }, 0);
  function use(fontFile: string) {
    if (!fonts.has(fontFile)) {
      doc.registerFont(fontFile, fontFile);
      fonts.add(fontFile);
    }
    doc.font(fontFile);
  }
  /** Draws `text` at (x, y) within `width`, aligned, one run per font file. */
  const write = (text: string, x: number, y: number, size: number, width?: number, align: 'left' | 'right' = 'left', color = '#222222') => {
    let at = align === 'right' && width ? x + width - widthOf(text, size) : x;
    doc.fillColor(color);
    for (const r of fontRuns(text)) {
      use(r.file);
      doc.fontSize(size).text(r.text, at, y, { lineBreak: false });
      at += doc.widthOfString(r.text);
    }
  };
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  const bottom = doc.page.height - doc.page.margins.bottom;

  write(table.title[lang], left, 36, 18);
  write(lineOf(table, lang), left, 62, 10, undefined, 'left', '#555555');

  // The chart: grouped vertical bars per bucket, one colour per series, with a legend and the axis.
  const colors = ['#4e6fd9', '#9bc53d', '#e5a50a', '#c0392b'];
  const chart = { x: left + 40, y: 100, w: right - left - 60, h: 160 };
  const max = Math.max(1, ...table.chart.series.flatMap((s) => s.values));
  doc.lineWidth(0.5).strokeColor('#999999').moveTo(chart.x, chart.y).lineTo(chart.x, chart.y + chart.h).lineTo(chart.x + chart.w, chart.y + chart.h).stroke();
  write(String(max), left, chart.y - 4, 8, 36, 'right', '#555555');
  write('0', left, chart.y + chart.h - 6, 8, 36, 'right', '#555555');
  const n = Math.max(1, table.chart.buckets.length);
  const slot = chart.w / n;
  const barW = Math.max(1, (slot * 0.8) / Math.max(1, table.chart.series.length));
  table.chart.series.forEach((s, si) => {
    s.values.forEach((v, i) => {
      const h = (v / max) * chart.h;
      if (h > 0) doc.rect(chart.x + i * slot + slot * 0.1 + si * barW, chart.y + chart.h - h, barW, h).fill(colors[si % colors.length]);
    });
    doc.rect(chart.x + si * 110, chart.y - 14, 10, 8).fill(colors[si % colors.length]);
    write(s.title[lang], chart.x + si * 110 + 14, chart.y - 16, 9);
  });
  const labelEvery = Math.ceil(n / 12);
  table.chart.buckets.forEach((b, i) => {
    if (i % labelEvery === 0) write(b, chart.x + i * slot, chart.y + chart.h + 4, 7, undefined, 'left', '#555555');
  });

  // The table.
  const cols = table.columns;
  const textCols = cols.filter((c) => c.kind === 'text').length;
  const unit = (right - left) / (textCols * 2 + (cols.length - textCols));
  const widths = cols.map((c) => (c.kind === 'text' ? unit * 2 : unit));
  let y = chart.y + chart.h + 28;
  const rowH = 16;
  const header = () => {
    doc.rect(left, y - 3, right - left, rowH).fill('#eef1f8');
    let x = left;
    cols.forEach((c, i) => {
      write(c.title[lang], x + 3, y, 9, widths[i]! - 6, c.kind === 'text' ? 'left' : 'right');
      x += widths[i]!;
    });
    y += rowH;
  };
  const row = (cells: string[], bold = false) => {
    if (y + rowH > bottom) {
      doc.addPage({ size: 'A4', layout: 'landscape', margin: 36 });
      y = 36;
      header();
    }
    let x = left;
    cells.forEach((cell, i) => {
      write(cell, x + 3, y, bold ? 9.5 : 9, widths[i]! - 6, cols[i]!.kind === 'text' ? 'left' : 'right');
      x += widths[i]!;
    });
    y += rowH;
  };
  header();
  const shown = table.rows.slice(0, PDF_MAX_ROWS);
  shown.forEach((r, i) => {
    row(cols.map((c) => cellText(c, r[c.key], lang)));
    if (i % 200 === 199) progress?.(i + 1);
  });
  row(cols.map((c, i) => (i === 0 ? totalLabel(lang) : c.kind === 'text' ? '' : String(table.totals[c.key] ?? ''))), true);
  if (table.rows.length > shown.length) {
    row([lang === 'en' ? `First ${PDF_MAX_ROWS} of ${table.rows.length} rows; the XLSX export has them all.` : `仅列出前 ${PDF_MAX_ROWS} 行（共 ${table.rows.length} 行），XLSX 导出包含全部。`]);
  }
  doc.end();
  await once(out, 'finish');
}

export interface StatsExportStatus {
  id: string;
  ownerId: number;
  /** A stats view, or a log (exports of services/logs/exportLogs.ts share this store). */
  view: StatsView | 'login-logs' | 'operation-logs';
  format: StatsExportFormat | 'csv';
  status: 'queued' | 'running' | 'done' | 'failed';
  rows: number;
  /** 0–100 while running. */
  progress: number;
  file?: string;
  error?: string;
  createdAt: string;
}

const STATUS_TTL_SECONDS = 24 * 3600;
const statusKey = (id: string) => redisKey('stats-export', id);
export const saveExportStatus = (s: StatsExportStatus) => redis().set(statusKey(s.id), JSON.stringify(s), 'EX', STATUS_TTL_SECONDS);

/** Writes the actor's view to `file` in `format`; returns the number of table rows. */
export async function writeStatsExport(actor: Actor, input: StatsExportRequest, file: string, progress?: (percent: number) => void): Promise<number> {
  const req = statsExportSchema.parse(input);
  const table = await statsView(actor, req.view, req.query);
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const total = Math.max(1, req.format === 'pdf' ? Math.min(table.rows.length, PDF_MAX_ROWS) : table.rows.length);
  const tell = (done: number) => progress?.(Math.min(99, Math.round((done / total) * 100)));
  if (req.format === 'xlsx') await writeStatsXlsx(table, partial, req.lang, tell);
  else await writeStatsPdf(table, partial, req.lang, tell);
  await rename(partial, file);
  return table.rows.length;
}

/** Queues an export of a stats view for the worker; the requester polls `statsExportStatus`. */
export async function requestStatsExport(actor: Actor, input: unknown): Promise<StatsExportStatus> {
  const parsed = statsExportSchema.safeParse(input);
  if (!parsed.success) throw badRequest(say('导出参数无效', 'invalid export request'), 'INVALID_STATS_EXPORT');
  const status: StatsExportStatus = {
    id: randomUUID(),
    ownerId: actor.id,
    view: parsed.data.view,
    format: parsed.data.format,
    status: 'queued',
    rows: 0,
    progress: 0,
    createdAt: new Date().toISOString(),
  };
  await saveExportStatus(status);
  await statsExportJob.enqueue({ exportId: status.id, actorId: actor.id, request: parsed.data });
  return status;
}

/** Worker side: the actor's scope is read from the database now, not trusted from the queue. */
export async function runStatsExport(data: { exportId: string; actorId: number; request: StatsExportRequest }): Promise<StatsExportStatus> {
  const user = await AdminUser.findByPk(data.actorId);
  if (!user) throw new Error(`stats export ${data.exportId}: user ${data.actorId} no longer exists`);
  const actor: Actor = { id: user.id, role: user.role as Actor['role'], parentId: user.parentId };
  const req = statsExportSchema.parse(data.request);
  const file = path.resolve(config().EXPORT_DIR, `stats-${req.view}-${data.exportId}.${req.format}`);
  const base: StatsExportStatus = { id: data.exportId, ownerId: actor.id, view: req.view, format: req.format, status: 'running', rows: 0, progress: 0, createdAt: new Date().toISOString() };
  await saveExportStatus(base);
  try {
    let last = 0;
    const rows = await writeStatsExport(actor, req, file, (p) => {
      if (p >= last + 10) void saveExportStatus({ ...base, progress: (last = p) });
    });
    const done: StatsExportStatus = { ...base, status: 'done', progress: 100, rows, file };
    await saveExportStatus(done);
    return done;
  } catch (err) {
    await saveExportStatus({ ...base, status: 'failed', error: (err as Error).message });
    throw err;
  }
}

/** The requester's own export (nobody else's, whatever their role). */
export async function statsExportStatus(actor: Actor, exportId: string): Promise<StatsExportStatus> {
  const raw = /^[0-9a-f-]{36}$/.test(exportId) ? await redis().get(statusKey(exportId)) : null;
  const status = raw ? (JSON.parse(raw) as StatsExportStatus) : null;
  if (!status || status.ownerId !== actor.id) throw notFound(say('导出任务不存在或已过期', 'export not found or expired'), 'EXPORT_NOT_FOUND', 3442);
  return status;
}

/** The finished file of the requester's export, for a download route (streamed or not). */
export async function statsExportFile(actor: Actor, exportId: string): Promise<{ file: string; filename: string; size: number; contentType: string }> {
  const s = await statsExportStatus(actor, exportId);
  if (s.status !== 'done' || !s.file) throw badRequest(say('导出尚未完成', 'the export is not finished yet'), 'EXPORT_NOT_READY', 3443);
  const { size } = await stat(s.file);
  const contentType = { pdf: 'application/pdf', csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }[s.format];
  const name = s.view.endsWith('-logs') ? s.view : `stats-${s.view}`;
  return { file: s.file, filename: `${name}-${s.createdAt.slice(0, 10)}.${s.format}`, size, contentType };
}

export const statsExportJob = defineJob({
  name: 'stats.export',
  queue: 'exports',
  description: 'Write a stats view (card keys, quota, activity) the requester may see as XLSX or PDF into EXPORT_DIR',
  data: z.object({ exportId: z.string().uuid(), actorId: z.number().int().positive(), request: statsExportSchema }),
  options: { attempts: 2 },
  run: async (data, ctx) => {
    const done = await runStatsExport(data);
    await ctx.job?.progress(100);
    return { exportId: done.id, rows: done.rows };
  },
});
