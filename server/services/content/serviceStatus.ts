import { Op, QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { ApiCatalogEntry, Article } from '../../models/index.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import type { ArticleView } from './content.js';

export type ServiceState = 'normal' | 'degraded' | 'maintenance';
export const SERVICE_STATES: readonly ServiceState[] = ['normal', 'degraded', 'maintenance'];

export interface ApiStatusLine {
  name: string;
  path: string;
  description: string | null;
  status: ServiceState;
  /** The super admin's message, or null (an automatic "degraded" has none: the page says why). */
  message: string | null;
  /** True when "degraded" comes from the recent failure rate, not from the super admin. */
  automatic: boolean;
}

export interface ServiceStatusView {
  /** normal: every API normal; maintenance: every API in maintenance; else degraded. */
  status: ServiceState;
  /** status ≠ normal (the home page unfolds the notice in red). */
  degraded: boolean;
  apis: ApiStatusLine[];
  /** Published service-status articles (informational; they no longer decide the status). */
  notices: ArticleView[];
}

interface CallCounts {
  api_name: string;
  calls: string;
  failed: string;
}

/**
 * Failed or refused metering charges per API over the last window (api_call_logs: a refusal
 * carries a reason code, a failure a 5xx status).
 */
async function recentFailures(names: string[], now: Date): Promise<Map<string, { calls: number; failed: number }>> {
  if (names.length === 0) return new Map();
  const minutes = await getSetting('points.service_degraded_window_minutes');
  const rows = await db().query<CallCounts>(
    `SELECT api_name, count(*) AS calls, count(*) FILTER (WHERE error_code IS NOT NULL OR status >= 500) AS failed
       FROM api_call_logs
      WHERE api_name IN (:names) AND created_at > :since AND created_at <= :now
      GROUP BY api_name`,
    { replacements: { names, since: new Date(now.getTime() - minutes * 60_000), now }, type: QueryTypes.SELECT },
  );
  return new Map(rows.map((r) => [r.api_name, { calls: Number(r.calls), failed: Number(r.failed) }]));
}

/**
 * The home page's API service status: each API of the catalog that is on, with the
 * status the super admin set (normal / degraded / maintenance and a message), or "degraded"
 * automatically while its failed or refused charges pass the configured share of at least the
 * configured number of calls in the window.
 */
export async function getServiceStatus(now = new Date()): Promise<ServiceStatusView> {
  const entries = await ApiCatalogEntry.findAll({ where: { status: 1 }, order: [['name', 'ASC']] });
  const [counts, minCalls, percent, articles] = await Promise.all([
    recentFailures(entries.map((e) => e.name), now),
    getSetting('points.service_degraded_min_calls'),
    getSetting('points.service_degraded_failure_percent'),
    Article.findAll({ where: { status: 'published', publishedAt: { [Op.lte]: now }, kind: 'service_status' }, order: [['publishedAt', 'DESC']], limit: 10 }),
  ]);
  const apis = entries.map((e): ApiStatusLine => {
    const line = { name: e.name, path: e.path, description: e.description, status: e.serviceStatus, message: e.serviceMessage, automatic: false };
    if (line.status !== 'normal') return line;
    const c = counts.get(e.name);
    if (c && c.calls >= minCalls && c.failed * 100 >= percent * c.calls) return { ...line, status: 'degraded', message: null, automatic: true };
    return { ...line, message: null };
  });
  const bad = apis.filter((a) => a.status !== 'normal');
  const status: ServiceState = bad.length === 0 ? 'normal' : bad.length === apis.length && bad.every((a) => a.status === 'maintenance') ? 'maintenance' : 'degraded';
  return {
    status,
    degraded: status !== 'normal',
    apis,
    notices: articles.map((a) => ({ id: a.id, kind: a.kind, title: a.title, summary: a.summary, content: a.content, publishedAt: a.publishedAt?.toISOString() ?? null })),
  };
}
