import { z } from 'zod';
import { say, type Localized } from '../../i18n.js';
import type { Actor } from '../../policies/actor.js';
import { cardKeyWhere, replacementsOf, select, userWhere } from './dashboard.js';
import { statsWindow, type RangeKind, type StatsWindow } from './scope.js';

/**
 * The three views of 统计分析 (card keys, quota, activity): one table per view, read from the
 * rollups inside the actor's scope, with the range (day / week / month / year bars between two days)
 * and the project and agent filters. The same table feeds the page, the XLSX and the PDF.
 */
export const STATS_VIEWS = ['card-keys', 'quota', 'activity'] as const;
export type StatsView = (typeof STATS_VIEWS)[number];
export const statsViewSchema = z.enum(STATS_VIEWS);

export interface StatsColumn {
  key: string;
  title: Localized;
  kind: 'text' | 'count' | 'money';
  /** Labels of coded values (quota ledger types), by language. */
  values?: Record<string, Localized>;
}

/** A cell as the reader of `lang` sees it. */
export function cellText(c: StatsColumn, v: string | number | undefined, lang: 'zh-CN' | 'en'): string {
  if (v === undefined || v === null) return '';
  return c.values?.[String(v)]?.[lang] ?? String(v);
}

export interface StatsTable {
  view: StatsView;
  title: Localized;
  window: StatsWindow;
  columns: StatsColumn[];
  rows: Array<Record<string, string | number>>;
  /** Sums of the count and money columns over every row. */
  totals: Record<string, string | number>;
  /** The chart of the view: one value per bar of the window, per series. */
  chart: { buckets: string[]; series: Array<{ key: string; title: Localized; values: number[] }> };
}

const col = (key: string, zh: string, en: string, kind: StatsColumn['kind'] = 'count'): StatsColumn => ({ key, title: say(zh, en), kind });

const BUCKET_SQL: Record<RangeKind, string> = {
  day: 's.day',
  week: "date_trunc('week', s.day)::date",
  month: "date_trunc('month', s.day)::date",
  year: "date_trunc('year', s.day)::date",
};

export const QUOTA_TYPE_LABELS: Record<string, Localized> = {
  system_recharge: say('系统充值', 'System recharge'),
  recharge_out: say('充值转出', 'Recharge out'),
  recharge_in: say('充值转入', 'Recharge in'),
  transfer_freeze: say('转账冻结', 'Transfer hold'),
  transfer_unfreeze: say('转账解冻', 'Transfer release'),
  transfer_out: say('转账转出', 'Transfer out'),
  transfer_in: say('转账转入', 'Transfer in'),
  withdrawal_freeze: say('提现冻结', 'Withdrawal hold'),
  withdrawal_unfreeze: say('提现解冻', 'Withdrawal release'),
  withdrawal_paid: say('提现打款', 'Withdrawal paid'),
  card_key_generation: say('生成卡密', 'Key generation'),
  card_key_refund: say('卡密退款', 'Key refund'),
  adjustment: say('调整', 'Adjustment'),
};

function sums(columns: StatsColumn[], rows: Array<Record<string, string | number>>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const c of columns) {
    if (c.kind === 'count') out[c.key] = rows.reduce((s, r) => s + Number(r[c.key]), 0);
    if (c.kind === 'money') out[c.key] = (rows.reduce((s, r) => s + Math.round(Number(r[c.key]) * 100), 0) / 100).toFixed(2);
  }
  return out;
}

function chartOf(w: StatsWindow, rows: Array<Record<string, string | number>>, series: StatsColumn[]): StatsTable['chart'] {
  const at = new Map(w.buckets.map((b, i) => [b, i]));
  return {
    buckets: w.buckets,
    series: series.map((c) => {
      const values = w.buckets.map(() => 0);
      for (const r of rows) {
        const i = at.get(String(r.bucket));
        if (i !== undefined) values[i] = Math.round((values[i]! + Number(r[c.key])) * 100) / 100;
      }
      return { key: c.key, title: c.title, values };
    }),
  };
}

/** The table of one stats view for `actor` (scope applied here, filters from `query`). */
export async function statsView(actor: Actor, view: StatsView, query: unknown = {}, today?: string): Promise<StatsTable> {
  const w = statsWindow(query, today);
  const rep = replacementsOf(w);
  const bucket = BUCKET_SQL[w.range];
  const bucketCol = col('bucket', '日期', 'Date', 'text');
  if (view === 'card-keys') {
    const columns = [
      bucketCol,
      col('project', '项目', 'Project', 'text'),
      col('agent', '代理', 'Agent', 'text'),
      col('generated', '生成', 'Generated'),
      col('activated', '激活', 'Activated'),
      col('verified', '验证', 'Verified'),
      col('expired', '过期', 'Expired'),
      col('disabled', '禁用', 'Disabled'),
    ];
    const rows = await select<Record<string, string | number>>(
      `SELECT ${bucket}::text AS bucket, p.name AS project, u.username AS agent,
              sum(s.generated)::int AS generated, sum(s.activated)::int AS activated, sum(s.verified)::int AS verified,
              sum(s.expired)::int AS expired, sum(s.disabled)::int AS disabled
         FROM daily_card_key_stats s JOIN projects p ON p.id = s.project_id JOIN admin_users u ON u.id = s.agent_id
        WHERE ${cardKeyWhere(actor, w).replace(/\b(day|agent_id|project_id)\b/g, 's.$1')}
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      rep,
    );
    return { view, title: say('卡密统计', 'Card-key statistics'), window: w, columns, rows, totals: sums(columns, rows), chart: chartOf(w, rows, [columns[3]!, columns[4]!]) };
  }
  if (view === 'quota') {
    const columns = [
      bucketCol,
      col('user', '用户', 'User', 'text'),
      { ...col('type', '类型', 'Type', 'text'), values: QUOTA_TYPE_LABELS },
      col('in', '收入', 'In', 'money'),
      col('out', '支出', 'Out', 'money'),
      col('moves', '笔数', 'Movements'),
    ];
    const raw = await select<Record<string, string | number>>(
      `SELECT ${bucket}::text AS bucket, u.username AS user, s.type,
              coalesce(sum(s.amount) FILTER (WHERE s.amount > 0), 0)::text AS in,
              coalesce(-sum(s.amount) FILTER (WHERE s.amount < 0), 0)::text AS out, sum(s.moves)::int AS moves
         FROM daily_quota_stats s JOIN admin_users u ON u.id = s.user_id
        WHERE ${userWhere(actor, w).replace(/\b(day|user_id)\b/g, 's.$1')}
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      rep,
    );
    const rows = raw.map((r) => ({ ...r, in: Number(r.in).toFixed(2), out: Number(r.out).toFixed(2) }));
    return { view, title: say('额度统计', 'Quota statistics'), window: w, columns, rows, totals: sums(columns, rows), chart: chartOf(w, rows, [columns[3]!, columns[4]!]) };
  }
  const columns = [bucketCol, col('user', '用户', 'User', 'text'), col('logins', '登录次数', 'Logins'), col('operations', '操作次数', 'Operations')];
  const rows = await select<Record<string, string | number>>(
    `SELECT ${bucket}::text AS bucket, u.username AS user, sum(s.logins)::int AS logins, sum(s.operations)::int AS operations
       FROM daily_activity_stats s JOIN admin_users u ON u.id = s.user_id
      WHERE ${userWhere(actor, w).replace(/\b(day|user_id)\b/g, 's.$1')}
      GROUP BY 1, 2 ORDER BY 1, 2`,
    rep,
  );
  return { view, title: say('用户活跃度', 'User activity'), window: w, columns, rows, totals: sums(columns, rows), chart: chartOf(w, rows, [columns[2]!, columns[3]!]) };
}
