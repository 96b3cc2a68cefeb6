import React, { useEffect, useMemo, useState } from 'react';
import { Box, Button, H2, H5, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation } from 'adminjs';
import { formatMoney } from './Money';
import { Chart, type ChartOption } from './stats/Chart';

interface Figure {
  key: string;
  value: string | number;
  money?: boolean;
}
interface DashboardData {
  role: string;
  username: string;
  figures: Figure[];
  error?: string;
  range: string;
  from: string;
  to: string;
  buckets: string[];
  keys: { generated: number[]; activated: number[]; verified: number[] };
  keysByProject: Array<{ project: string; generated: number; activated: number }>;
  keysByStatus: Array<{ status: string; count: number }>;
  quotaByType: Array<{ type: string; in: string; out: string }>;
  balance: string[];
  ranking?: Array<{ agent: string; generated: number; activated: number }>;
  heatmap?: Array<[number, number, number]>;
  points?: { orders: number[]; revenue: string[]; sold: number[]; consumed: number[]; activeUsers: number[] };
}

const RANGES = ['day', 'week', 'month', 'year'] as const;
const api = new ApiClient();
const HOURS = Array.from({ length: 24 }, (_, h) => String(h));

/** The bar label of a bucket's first day: the day, the week's Monday, the month or the year. */
const label = (range: string, day: string) => (range === 'month' ? day.slice(0, 7) : range === 'year' ? day.slice(0, 4) : day.slice(5));

/**
 * Each role's landing page: current figures and charts of the chosen range (day / week / month /
 * year), all from GET /admin/api/dashboard (daily rollups, scoped to the role). Charts are Apache
 * ECharts, drawn as SVG.
 */
const Dashboard: React.FC = () => {
  const [range, setRange] = useState<(typeof RANGES)[number]>('day');
  const [data, setData] = useState<DashboardData | null>(null);
  const [failed, setFailed] = useState(false);
  const { translateLabel: t } = useTranslation();
  useEffect(() => {
    api
      .getDashboard({ params: { range } })
      .then((res) => setData(res.data as DashboardData))
      .catch(() => setFailed(true));
  }, [range]);

  const charts = useMemo(() => {
    if (!data?.buckets) return [];
    const x = data.buckets.map((b) => label(data.range, b));
    const axis = (extra: object = {}) => ({ tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 48, right: 24, top: 36, bottom: 28 }, ...extra });
    const list: Array<{ id: string; option: ChartOption; width?: string; height?: number }> = [
      {
        id: 'keysTrend',
        option: axis({
          xAxis: { type: 'category', data: x },
          yAxis: { type: 'value', minInterval: 1 },
          series: [
            { name: t('series_generated'), type: 'line', smooth: true, data: data.keys.generated },
            { name: t('series_activated'), type: 'line', smooth: true, data: data.keys.activated },
          ],
        }),
      },
      {
        id: 'keysByProject',
        option: axis({
          xAxis: { type: 'category', data: data.keysByProject.map((p) => p.project) },
          yAxis: { type: 'value', minInterval: 1 },
          series: [
            { name: t('series_generated'), type: 'bar', data: data.keysByProject.map((p) => p.generated) },
            { name: t('series_activated'), type: 'bar', data: data.keysByProject.map((p) => p.activated) },
          ],
        }),
      },
      {
        id: 'keysByStatus',
        option: {
          tooltip: { trigger: 'item' },
          legend: { top: 0 },
          series: [{ type: 'pie', radius: ['35%', '65%'], top: 24, data: data.keysByStatus.map((s) => ({ name: t(`status_${s.status}`), value: s.count })) }],
        },
      },
      {
        id: 'quotaByType',
        option: axis({
          xAxis: { type: 'category', data: data.quotaByType.map((q) => t(`quotaType_${q.type}`)), axisLabel: { interval: 0, rotate: 20 } },
          yAxis: { type: 'value' },
          series: [
            { name: t('series_in'), type: 'bar', data: data.quotaByType.map((q) => Number(q.in)) },
            { name: t('series_out'), type: 'bar', data: data.quotaByType.map((q) => Number(q.out)) },
          ],
        }),
      },
      {
        id: 'balance',
        option: axis({
          xAxis: { type: 'category', data: x },
          yAxis: { type: 'value' },
          series: [{ name: t('series_balance'), type: 'line', areaStyle: {}, data: data.balance.map(Number) }],
        }),
      },
    ];
    if (data.ranking) {
      const rows = [...data.ranking].reverse();
      list.push({
        id: 'ranking',
        option: axis({
          grid: { left: 110, right: 24, top: 36, bottom: 28 },
          yAxis: { type: 'category', data: rows.map((r) => r.agent) },
          xAxis: { type: 'value', minInterval: 1 },
          series: [
            { name: t('series_generated'), type: 'bar', data: rows.map((r) => r.generated) },
            { name: t('series_activated'), type: 'bar', data: rows.map((r) => r.activated) },
          ],
        }),
      });
    }
    if (data.heatmap) {
      const max = Math.max(1, ...data.heatmap.map((h) => h[2]));
      list.push({
        id: 'heatmap',
        width: '100%',
        option: {
          tooltip: { position: 'top' },
          grid: { left: 56, right: 24, top: 16, bottom: 64 },
          xAxis: { type: 'category', data: HOURS, splitArea: { show: true } },
          yAxis: { type: 'category', data: Array.from({ length: 7 }, (_, d) => t(`weekday_${d}`)), splitArea: { show: true } },
          visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
          series: [{ type: 'heatmap', data: data.heatmap.map(([wd, h, n]) => [h, wd, n]) }],
        },
      });
    }
    if (data.points) {
      const p = data.points;
      list.push(
        {
          id: 'orders',
          option: axis({
            xAxis: { type: 'category', data: x },
            yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value' }],
            series: [
              { name: t('series_orders'), type: 'bar', data: p.orders },
              { name: t('series_revenue'), type: 'line', yAxisIndex: 1, data: p.revenue.map(Number) },
            ],
          }),
        },
        {
          id: 'points',
          option: axis({
            xAxis: { type: 'category', data: x },
            yAxis: { type: 'value' },
            series: [
              { name: t('series_sold'), type: 'line', data: p.sold },
              { name: t('series_consumed'), type: 'line', data: p.consumed },
            ],
          }),
        },
        {
          id: 'activeUsers',
          option: axis({
            xAxis: { type: 'category', data: x },
            yAxis: { type: 'value', minInterval: 1 },
            series: [{ name: t('series_activeUsers'), type: 'line', data: p.activeUsers }],
          }),
        },
      );
    }
    return list;
  }, [data, t]);

  return (
    <Box variant="grey" data-testid="seahorse-dashboard" data-role={data?.role ?? ''} data-range={data?.range ?? ''}>
      <H2>{t(`dashboard_${data?.role ?? 'title'}`)}</H2>
      {data && (
        <Text mb="lg">
          {data.username} · {data.from} ~ {data.to}
        </Text>
      )}
      {(failed || data?.error) && <Text>{data?.error ?? t('dashboardUnavailable')}</Text>}
      <Box flex flexDirection="row" style={{ gap: 8 }} mb="lg" data-testid="range-switch">
        <Text mr="default" style={{ alignSelf: 'center' }}>
          {t('rangeLabel')}
        </Text>
        {RANGES.map((r) => (
          <Button key={r} size="sm" variant={r === range ? 'contained' : 'outlined'} onClick={() => setRange(r)} data-testid={`range-${r}`}>
            {t(`range_${r}`)}
          </Button>
        ))}
      </Box>
      <Box flex flexDirection="row" style={{ flexWrap: 'wrap', gap: 16 }} mb="xl">
        {data?.figures.map((f) => (
          <Box key={f.key} variant="card" p="xl" style={{ minWidth: 180 }} data-testid={`figure-${f.key}`}>
            <H5>{t(`figure_${f.key}`)}</H5>
            <Text fontSize="xl" fontWeight="bold">
              {f.money ? formatMoney(f.value) : String(f.value)}
            </Text>
          </Box>
        ))}
      </Box>
      <Box flex flexDirection="row" style={{ flexWrap: 'wrap', gap: 16 }}>
        {charts.map((c) => (
          <Chart key={c.id} id={c.id} title={t(`chart_${c.id}`)} option={c.option} width={c.width} height={c.height} />
        ))}
      </Box>
    </Box>
  );
};

export default Dashboard;
