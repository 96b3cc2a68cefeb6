import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, H4, Input, Label, MessageBox, Select, Text, TextArea } from '@adminjs/design-system';
import { ApiClient, type ActionProps } from 'adminjs';
import type { Field as BaseField, FormSpec as BaseFormSpec, Option } from '../shared/formSpec';
import { useActionSubmit, type ActionAnswer as BaseAnswer } from '../shared/useActionSubmit';

interface Field extends BaseField {
  /** Options loaded from the action's GET answer (`options[optionsKey]`); with `dependsOn`, `options[optionsKey + ':' + value of that field]`. */
  optionsKey?: string;
  dependsOn?: string;
  /** Prefilled from the list page's `filters.<name>` query parameter. */
  fromFilter?: string;
}

interface FormSpec extends BaseFormSpec<Field> {
  loadOptions?: boolean;
}

interface ActionAnswer extends BaseAnswer {
  options?: Record<string, Option[]>;
  /** Something to show once (a new secret, the public key). */
  reveal?: { title: string; lines: string[] };
  /** An export was queued: poll `pollResource`'s export action until it is done. */
  exportJob?: { id: string; pollResource: string };
  exportStatus?: { status: string; rows: number; error?: string };
}

const api = new ApiClient();

function filtersFromLocation(): Record<string, string> {
  const out: Record<string, string> = {};
  new URLSearchParams(window.location.search).forEach((v, k) => {
    if (k.startsWith('filters.')) out[k.slice(8)] = v;
  });
  return out;
}

/**
 * The form of the card-key and project actions (生成卡密, 解绑, 批量操作, 导出, 轮换密钥…). Fields come
 * from the action's `custom` spec; the domain service decides, and its refusal is shown as is.
 */
const CardKeyActionForm: React.FC<ActionProps> = (props) => {
  const { action, resource, record, records } = props;
  const spec = action.custom as FormSpec;
  const [options, setOptions] = useState<Record<string, Option[]>>({});
  const [values, setValues] = useState<Record<string, string>>(() => {
    const filters = filtersFromLocation();
    return Object.fromEntries(spec.fields.map((f) => [f.name, (f.fromFilter && filters[f.fromFilter]) || (f.options?.[0]?.value ?? '')]));
  });
  const { submit: send, error, setError, busy } = useActionSubmit(props);
  const [reveal, setReveal] = useState<ActionAnswer['reveal'] | null>(null);
  const [job, setJob] = useState<{ id: string; pollResource: string; status: string; rows: number } | null>(null);

  useEffect(() => {
    if (!spec.loadOptions) return;
    void api.resourceAction({ resourceId: resource.id, actionName: action.name, method: 'get' } as never).then((r) => {
      const loaded = (r.data as ActionAnswer).options ?? {};
      setOptions(loaded);
      setValues((v) => {
        const next = { ...v };
        for (const f of spec.fields) {
          if (!f.optionsKey || next[f.name]) continue;
          const list = f.dependsOn ? loaded[`${f.optionsKey}:${next[f.dependsOn]}`] : loaded[f.optionsKey];
          next[f.name] = list?.[0]?.value ?? '';
        }
        return next;
      });
    });
  }, []);

  useEffect(() => {
    if (!job || job.status === 'done' || job.status === 'failed') return;
    const timer = setTimeout(async () => {
      const r = await api.resourceAction({ resourceId: job.pollResource, actionName: 'export', method: 'get', params: { exportId: job.id } } as never);
      const s = (r.data as ActionAnswer).exportStatus;
      if (s) setJob({ ...job, status: s.status, rows: s.rows });
      if (s?.error) setError(s.error);
    }, 1000);
    return () => clearTimeout(timer);
  }, [job]);

  const optionsOf = (f: Field): Option[] =>
    f.options ?? (f.optionsKey ? (f.dependsOn ? options[`${f.optionsKey}:${values[f.dependsOn]}`] : options[f.optionsKey]) ?? [] : []);

  // The file streams from the server as an attachment (admin/exportDownload.ts), inside the session.
  const download = () => {
    if (!job) return;
    const a = document.createElement('a');
    a.href = `/admin/exports/card-keys/${encodeURIComponent(job.id)}`;
    a.download = '';
    a.click();
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const data = new FormData();
    for (const [k, v] of Object.entries(values)) data.append(k, v);
    for (const [k, v] of Object.entries(filtersFromLocation())) data.append(`filter.${k}`, v);
    void send(data, (answer: ActionAnswer) => {
      if (answer.reveal) return setReveal(answer.reveal), true;
      if (answer.exportJob) return setJob({ ...answer.exportJob, status: 'queued', rows: 0 }), true;
      return false;
    });
  };

  return (
    <Box variant="card" p="xl" as="form" onSubmit={submit} data-testid={`card-key-form-${action.name}`}>
      <H4>{spec.title}</H4>
      {spec.description && <Text mb="lg">{spec.description}</Text>}
      {spec.summary?.map((s) => (
        <Text key={s.path} mb="sm">
          {s.label}：{String(record?.params?.[s.path] ?? '—')}
        </Text>
      ))}
      {records?.length ? <Text mb="lg">已选择 {records.length} 条</Text> : null}
      {error && <MessageBox mb="lg" variant="danger" message={error} data-testid="card-key-form-error" />}
      {reveal && (
        <MessageBox mb="lg" variant="info" message={reveal.title} data-testid="card-key-form-reveal">
          <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', userSelect: 'all' }}>{reveal.lines.join('\n')}</pre>
        </MessageBox>
      )}
      {job && (
        <Box mb="lg" data-testid="card-key-export-status">
          <Text>导出状态：{job.status === 'done' ? `已完成（${job.rows} 条）` : job.status === 'failed' ? '失败' : '生成中…'}</Text>
          {job.status === 'done' && (
            <Button type="button" mt="default" onClick={download} data-testid="card-key-export-download">
              下载文件
            </Button>
          )}
        </Box>
      )}
      {!reveal &&
        !job &&
        spec.fields.map((f) => (
          <FormGroup key={f.name}>
            <Label required={f.required}>{f.label}</Label>
            {f.type === 'textarea' ? (
              <TextArea name={f.name} width={1} placeholder={f.placeholder} value={values[f.name]} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setValues({ ...values, [f.name]: e.target.value })} />
            ) : f.type === 'select' ? (
              <Select
                value={optionsOf(f).find((o) => o.value === values[f.name]) ?? null}
                options={optionsOf(f)}
                onChange={(selected: Option | null) => {
                  const next = { ...values, [f.name]: selected?.value ?? '' };
                  for (const dep of spec.fields.filter((d) => d.dependsOn === f.name && d.optionsKey)) next[dep.name] = options[`${dep.optionsKey}:${next[f.name]}`]?.[0]?.value ?? '';
                  setValues(next);
                }}
              />
            ) : (
              <Input name={f.name} width={1} placeholder={f.placeholder} value={values[f.name]} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [f.name]: e.target.value })} />
            )}
          </FormGroup>
        ))}
      {!reveal && !job && (
        <Button variant="contained" type="submit" disabled={busy} data-testid="card-key-form-submit">
          {spec.submitLabel}
        </Button>
      )}
    </Box>
  );
};

export default CardKeyActionForm;
