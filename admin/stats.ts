import { readFile } from 'node:fs/promises';
import { AppError } from '../server/errors.js';
import { asLang, inLang } from '../server/i18n.js';
import { actorFromSession } from '../server/policies/access.js';
import { userScopeSql } from '../server/services/stats/scope.js';
import { select } from '../server/services/stats/dashboard.js';
import { exportFile, exportStatus } from '../server/services/exports/exportJobs.js';
import { logExport } from '../server/services/logs/exportLogs.js';
import { statsExport } from '../server/services/stats/exportStats.js';
import { cellText, statsView, statsViewSchema } from '../server/services/stats/views.js';

const MAX_DOWNLOAD_BYTES = 60 * 1024 * 1024;

type Query = Record<string, unknown>;
interface PageRequest {
  method?: string;
  query?: Query;
  payload?: Query;
}

/**
 * The 统计分析 page (AdminJS page `stats`, /admin/api/pages/stats):
 * - GET ?view=card-keys|quota|activity&range&from&to&projectId&agentId → the view's table and
 *   chart (titles in the reader's language) and the filter choices, all inside the reader's scope;
 * - POST {view, format: xlsx|pdf, query} → queues the export (worker job `stats.export`);
 *   POST {log: login|operation, format: csv|xlsx, from, to} → queues a log export (`logs.export`);
 * - GET ?exportId → its status and progress; GET ?exportId&download=1 → the file (requester only).
 * Refusals answer `{ error }` with their HTTP status.
 */
export async function statsPageHandler(request: PageRequest, response: { status?: (n: number) => unknown } | undefined, context: { currentAdmin?: unknown }) {
  const actor = actorFromSession(context.currentAdmin);
  if (!actor) return { error: 'unauthorized' };
  const lang = asLang((context.currentAdmin as { locale?: string }).locale);
  const q = request.query ?? {};
  try {
    if (request.method?.toLowerCase() === 'post') {
      const payload = request.payload ?? {};
      const status = payload.log ? await logExport.request(actor, payload) : await statsExport.request(actor, { ...payload, lang });
      return { exportStatus: { id: status.id, status: status.status, progress: status.progress } };
    }
    if (q.exportId) {
      const id = String(q.exportId);
      if (q.download) {
        const f = await exportFile(actor, id);
        if (f.size > MAX_DOWNLOAD_BYTES) return { error: lang === 'en' ? 'the file is too large; narrow the range' : '文件过大，请缩小统计范围' };
        return { download: { filename: f.filename, mime: f.contentType, base64: (await readFile(f.file)).toString('base64') } };
      }
      const s = await exportStatus(actor, id);
      return { exportStatus: { id: s.id, status: s.status, progress: s.progress, rows: s.rows, error: s.error } };
    }
    const view = statsViewSchema.catch('card-keys').parse(q.view);
    const table = await statsView(actor, view, { range: q.range, from: q.from, to: q.to, projectId: q.projectId, agentId: q.agentId });
    const projects = await select<{ id: number; name: string }>(
      `SELECT p.id, p.name FROM projects p
        WHERE EXISTS (SELECT 1 FROM daily_card_key_stats s WHERE s.project_id = p.id AND ${userScopeSql(actor, 's.agent_id')})
        ORDER BY p.name`,
    );
    const agents = await select<{ id: number; username: string }>(`SELECT id, username FROM admin_users WHERE ${userScopeSql(actor, 'id')} ORDER BY username LIMIT 2000`);
    return {
      view,
      title: inLang(table.title, lang),
      window: table.window,
      columns: table.columns.map((c) => ({ key: c.key, title: inLang(c.title, lang), kind: c.kind })),
      rows: table.rows.map((r) => Object.fromEntries(table.columns.map((c) => [c.key, cellText(c, r[c.key], lang)]))),
      totals: table.totals,
      chart: { buckets: table.chart.buckets, series: table.chart.series.map((s) => ({ key: s.key, title: inLang(s.title, lang), values: s.values })) },
      projects,
      agents,
    };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    response?.status?.(err.status);
    return { error: err.messageIn(lang) };
  }
}
