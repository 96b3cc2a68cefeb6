import React, { useCallback, useEffect, useState } from 'react';
import { Box, Button, H2, Input, Label, Select, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation } from 'adminjs';
import { Chart } from './Chart';

interface Column {
  key: string;
  title: string;
  kind: 'text' | 'count' | 'money';
}
interface ViewData {
  view: string;
  title: string;
  window: { range: string; from: string; to: string };
  columns: Column[];
  rows: Array<Record<string, string>>;
  totals: Record<string, string | number>;
  chart: { buckets: string[]; series: Array<{ key: string; title: string; values: number[] }> };
  projects: Array<{ id: number; name: string }>;
  agents: Array<{ id: number; username: string }>;
  error?: string;
}
interface ExportState {
  id: string;
  format: string;
  status: string;
  progress: number;
  error?: string;
}

const api = new ApiClient();
const VIEWS = ['card-keys', 'quota', 'activity'] as const;
const RANGES = ['day', 'week', 'month', 'year'] as const;

function saveFile(d: { filename: string; mime: string; base64: string }) {
  const bytes = Uint8Array.from(atob(d.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: d.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = d.filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * 统计分析: the card-key, quota and activity views of the rollups, with range, date, project and
 * agent filters (choices limited to what the reader may see), a chart, the table, and XLSX / PDF
 * exports written by the worker (progress shown, then downloaded).
 */
const StatsPage: React.FC = () => {
  const { translateLabel: t } = useTranslation();
  const [view, setView] = useState<(typeof VIEWS)[number]>('card-keys');
  const [filters, setFilters] = useState({ range: 'day', from: '', to: '', projectId: '', agentId: '' });
  const [data, setData] = useState<ViewData | null>(null);
  const [exp, setExp] = useState<ExportState | null>(null);

  const load = useCallback(() => {
    api
      .getPage({ pageName: 'stats', params: { view, ...filters } })
      .then((res) => setData(res.data as ViewData))
      .catch(() => setData(null));
  }, [view, filters]);
  useEffect(load, [view]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!exp || exp.status === 'done' || exp.status === 'failed') return undefined;
    const timer = setTimeout(() => {
      api.getPage({ pageName: 'stats', params: { exportId: exp.id } }).then((res) => setExp({ ...exp, ...(res.data as { exportStatus: ExportState }).exportStatus }));
    }, 1000);
    return () => clearTimeout(timer);
  }, [exp]);

  const startExport = (format: 'xlsx' | 'pdf') => {
    api
      .getPage({ pageName: 'stats', method: 'post', data: { view, format, query: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '')) } } as never)
      .then((res) => setExp({ ...(res.data as { exportStatus: ExportState }).exportStatus, format }));
  };
  const startLogExport = (log: 'login' | 'operation', format: 'csv' | 'xlsx') => {
    const range = Object.fromEntries(Object.entries({ from: filters.from, to: filters.to }).filter(([, v]) => v !== ''));
    api
      .getPage({ pageName: 'stats', method: 'post', data: { log, format, ...range } } as never)
      .then((res) => setExp({ ...(res.data as { exportStatus: ExportState }).exportStatus, format }));
  };
  const download = () => {
    if (!exp) return;
    api.getPage({ pageName: 'stats', params: { exportId: exp.id, download: 1 } }).then((res) => {
      const d = (res.data as { download?: { filename: string; mime: string; base64: string } }).download;
      if (d) saveFile(d);
    });
  };
  const set = (k: keyof typeof filters, v: string) => setFilters((f) => ({ ...f, [k]: v }));
  const opt = (value: string, label: string) => ({ value, label });
  const projectOptions = [opt('', t('stats_all')), ...(data?.projects ?? []).map((p) => opt(String(p.id), p.name))];
  const agentOptions = [opt('', t('stats_all')), ...(data?.agents ?? []).map((a) => opt(String(a.id), a.username))];
  const rangeOptions = RANGES.map((r) => opt(r, t(`range_${r}`)));
  const selected = (options: Array<{ value: string; label: string }>, v: string) => options.find((o) => o.value === v) ?? options[0];

  return (
    <Box variant="grey" data-testid="stats-page" data-view={data?.view ?? ''}>
      <H2>{t('stats_title')}</H2>
      <Box flex flexDirection="row" style={{ gap: 8 }} mb="lg">
        {VIEWS.map((v) => (
          <Button key={v} variant={v === view ? 'contained' : 'outlined'} onClick={() => setView(v)} data-testid={`view-${v}`}>
            {t(`stats_view_${v}`)}
          </Button>
        ))}
      </Box>
      <Box variant="card" p="lg" mb="lg" flex flexDirection="row" style={{ gap: 16, flexWrap: 'wrap', alignItems: 'flex-end' }}>
        <Box style={{ minWidth: 120 }}>
          <Label>{t('rangeLabel')}</Label>
          <Select value={selected(rangeOptions, filters.range)} options={rangeOptions} onChange={(o: { value: string } | null) => set('range', o?.value ?? 'day')} />
        </Box>
        <Box>
          <Label>{t('stats_from')}</Label>
          <Input type="date" value={filters.from} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('from', e.target.value)} data-testid="filter-from" />
        </Box>
        <Box>
          <Label>{t('stats_to')}</Label>
          <Input type="date" value={filters.to} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('to', e.target.value)} data-testid="filter-to" />
        </Box>
        {view === 'card-keys' && (
          <Box style={{ minWidth: 180 }}>
            <Label>{t('stats_project')}</Label>
            <Select value={selected(projectOptions, filters.projectId)} options={projectOptions} onChange={(o: { value: string } | null) => set('projectId', o?.value ?? '')} />
          </Box>
        )}
        <Box style={{ minWidth: 180 }}>
          <Label>{t('stats_agent')}</Label>
          <Select value={selected(agentOptions, filters.agentId)} options={agentOptions} onChange={(o: { value: string } | null) => set('agentId', o?.value ?? '')} />
        </Box>
        <Button onClick={load} data-testid="stats-apply">
          {t('stats_apply')}
        </Button>
        <Button variant="outlined" onClick={() => startExport('xlsx')} data-testid="export-xlsx">
          {t('stats_exportXlsx')}
        </Button>
        <Button variant="outlined" onClick={() => startExport('pdf')} data-testid="export-pdf">
          {t('stats_exportPdf')}
        </Button>
        {view === 'activity' && (
          <>
            <Button variant="outlined" onClick={() => startLogExport('login', 'csv')} data-testid="export-login-logs">
              {t('stats_exportLoginLogs')}
            </Button>
            <Button variant="outlined" onClick={() => startLogExport('operation', 'xlsx')} data-testid="export-operation-logs">
              {t('stats_exportOperationLogs')}
            </Button>
          </>
        )}
        {exp && (
          <Text data-testid="export-status" data-status={exp.status}>
            {exp.format.toUpperCase()} · {t(`stats_export_${exp.status}`)} {exp.status === 'running' ? `${exp.progress}%` : ''} {exp.error ?? ''}
            {exp.status === 'done' && (
              <Button size="sm" ml="default" onClick={download} data-testid="export-download">
                {t('stats_download')}
              </Button>
            )}
          </Text>
        )}
      </Box>
      {data?.error && <Text data-testid="stats-error">{data.error}</Text>}
      {data?.chart && (
        <Chart
          id={`stats-${data.view}`}
          title={`${data.title} · ${data.window.from} ~ ${data.window.to}`}
          width="100%"
          option={{
            tooltip: { trigger: 'axis' },
            legend: { top: 0 },
            grid: { left: 56, right: 24, top: 36, bottom: 28 },
            xAxis: { type: 'category', data: data.chart.buckets },
            yAxis: { type: 'value' },
            series: data.chart.series.map((s) => ({ name: s.title, type: 'bar', data: s.values })),
          }}
        />
      )}
      {data?.columns && (
        <Box variant="card" p="lg" mt="lg" style={{ overflowX: 'auto' }}>
          <table data-testid="stats-table" style={{ width: '100%', borderCollapse: 'collapse', fontSize: 13 }}>
            <thead>
              <tr>
                {data.columns.map((c) => (
                  <th key={c.key} style={{ textAlign: c.kind === 'text' ? 'left' : 'right', padding: 6, borderBottom: '1px solid #ddd' }}>
                    {c.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.slice(0, 500).map((r, i) => (
                <tr key={i}>
                  {data.columns.map((c) => (
                    <td key={c.key} style={{ textAlign: c.kind === 'text' ? 'left' : 'right', padding: 6, borderBottom: '1px solid #f0f0f0' }}>
                      {r[c.key]}
                    </td>
                  ))}
                </tr>
              ))}
              <tr data-testid="stats-totals" style={{ fontWeight: 'bold' }}>
                {data.columns.map((c, i) => (
                  <td key={c.key} style={{ textAlign: c.kind === 'text' ? 'left' : 'right', padding: 6 }}>
                    {i === 0 ? t('stats_total') : c.kind === 'text' ? '' : String(data.totals[c.key] ?? '')}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
          {data.rows.length > 500 && <Text mt="default">{t('stats_moreRows')}</Text>}
        </Box>
      )}
    </Box>
  );
};

export default StatsPage;
