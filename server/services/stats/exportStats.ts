import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { z } from 'zod';
import { say, type Lang } from '../../i18n.js';
import type { Actor } from '../../policies/actor.js';
import { defineExport, writeWhole } from '../exports/exportJobs.js';
import { fontRuns } from './pdfFont.js';
import { statsQuerySchema } from './scope.js';
import { cellText, statsView, statsViewSchema, type StatsTable } from './views.js';

/**
 * Exports of the stats views: XLSX (every row) and PDF (title, range and filters, the view's chart
 * drawn as vector bars, the table, the totals; Chinese embedded as Noto Sans SC subsets). The
 * writers take a finished table and a file path and know nothing of HTTP; the worker job writes
 * the file under EXPORT_DIR and records its progress (services/exports: the same plumbing as the
 * log exports), whose `exportFile` hands the requester's own finished file to the download route.
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

/** Writes the actor's view to `file` in `format`; returns the number of table rows. */
export async function writeStatsExport(actor: Actor, input: StatsExportRequest, file: string, progress?: (percent: number) => void): Promise<number> {
  const req = statsExportSchema.parse(input);
  const table = await statsView(actor, req.view, req.query);
  const total = Math.max(1, req.format === 'pdf' ? Math.min(table.rows.length, PDF_MAX_ROWS) : table.rows.length);
  const tell = (done: number) => progress?.(Math.min(99, Math.round((done / total) * 100)));
  await writeWhole(file, (partial) => (req.format === 'xlsx' ? writeStatsXlsx(table, partial, req.lang, tell) : writeStatsPdf(table, partial, req.lang, tell)));
  return table.rows.length;
}

/** Exports of a stats view (job `stats.export`); status and download through services/exports. */
export const statsExport = defineExport({
  name: 'stats.export',
  description: 'Write a stats view (card keys, quota, activity) the requester may see as XLSX or PDF into EXPORT_DIR',
  request: statsExportSchema,
  invalidReason: 'INVALID_STATS_EXPORT',
  describe: (req) => ({ view: req.view, format: req.format, stem: `stats-${req.view}` }),
  write: (actor, req, file, progress) => {
    let last = 0;
    return writeStatsExport(actor, req, file, (p) => {
      if (p >= last + 10) progress({ progress: (last = p) });
    });
  },
});
