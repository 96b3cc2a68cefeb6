import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, H4, Input, Label, MessageBox, Select, Text, TextArea } from '@adminjs/design-system';
import { ApiClient, useTranslation, type ActionProps } from 'adminjs';
import type { Field, FormSpec, Option } from './shared/formSpec';
import { useActionSubmit, type ActionAnswer as BaseAnswer } from './shared/useActionSubmit';

interface ActionAnswer extends BaseAnswer {
  /** The agent's own quota (quota actions). */
  account?: { balance: string; frozen: string };
  options?: Record<string, Option[]>;
  /** Something to show once (a new secret, the public key). */
  reveal?: { title: string; lines: string[] };
  /** An export was queued: poll `pollResource`'s export action until it is done. */
  exportJob?: { id: string; pollResource: string };
  exportStatus?: { status: string; rows: number; error?: string; downloadUrl?: string };
}

const api = new ApiClient();

function filtersFromLocation(): Record<string, string> {
  const out: Record<string, string> = {};
  new URLSearchParams(window.location.search).forEach((v, k) => {
    if (k.startsWith('filters.')) out[k.slice(8)] = v;
  });
  return out;
}

/** A message key (as AdminJS and our adapter answer) rather than a sentence the server already wrote in the reader's language. */
const isKey = (text: string) => /^[A-Za-z][A-Za-z0-9_]*$/.test(text);

/**
 * The form of every domain command the admin runs (充值, 转账, 审核, 生成卡密, 导出, 轮换密钥, 冻结…):
 * the fields come from the action's `custom` spec, the form posts them (with an idempotency key)
 * and shows what the command answered — its refusal in the admin's language, a secret to copy
 * once, an export to download. The spec is written in zh-CN; every text on screen is looked up as
 * the label `<resource>_<action>_<key>` (title, description, submitLabel, summary_<path>, <field>,
 * <field>_placeholder, <field>_<option>) and the form's own words as `commandForm_*` labels, so
 * admin/locales/coverage.test.ts proves both languages exist.
 */
const CommandForm: React.FC<ActionProps> = (props) => {
  const { action, resource, record, records } = props;
  const spec = action.custom as FormSpec;
  const { translateLabel, translateMessage } = useTranslation();
  const tr = (key: string, zh: string): string => translateLabel(`${resource.id}_${action.name}_${key}`, { defaultValue: zh });
  const say = (key: string, vars: Record<string, unknown> = {}): string => translateLabel(`commandForm_${key}`, vars);
  const [options, setOptions] = useState<Record<string, Option[]>>({});
  const [values, setValues] = useState<Record<string, string>>(() => {
    const filters = filtersFromLocation();
    return Object.fromEntries(spec.fields.map((f) => [f.name, (f.fromFilter && filters[f.fromFilter]) || (f.options?.[0]?.value ?? '')]));
  });
  const { submit: send, error, setError, busy } = useActionSubmit(props);
  const [account, setAccount] = useState<ActionAnswer['account'] | null>(null);
  const [reveal, setReveal] = useState<ActionAnswer['reveal'] | null>(null);
  const [job, setJob] = useState<{ id: string; pollResource: string; status: string; rows: number; downloadUrl?: string } | null>(null);
  // Sent once per form: a double click or a retried request runs the command once.
  const [idempotencyKey] = useState(() => `adm-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`);

  // A resource command's GET answers what the form shows before it is sent (the own quota account, the options to pick from).
  useEffect(() => {
    if (record || records?.length) return;
    api
      .resourceAction({ resourceId: resource.id, actionName: action.name, method: 'get' } as never)
      .then((r) => {
        const answer = r.data as ActionAnswer;
        if (answer.account) setAccount(answer.account);
        const loaded = answer.options ?? {};
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
      })
      .catch(() => undefined);
  }, [record, records?.length, resource.id, action.name]);

  useEffect(() => {
    if (!job || job.status === 'done' || job.status === 'failed') return;
    const timer = setTimeout(async () => {
      const r = await api.resourceAction({ resourceId: job.pollResource, actionName: 'export', method: 'get', params: { exportId: job.id } } as never);
      const s = (r.data as ActionAnswer).exportStatus;
      if (s) setJob({ ...job, status: s.status, rows: s.rows, downloadUrl: s.downloadUrl });
      if (s?.error) setError(s.error);
    }, 1000);
    return () => clearTimeout(timer);
  }, [job]);

  const shown = (f: Field): boolean => !f.showWhen || values[f.showWhen.field] === f.showWhen.value;
  const optionsOf = (f: Field): Option[] =>
    f.options
      ? f.options.map((o) => ({ value: o.value, label: tr(`${f.name}_${o.value}`, o.label) }))
      : ((f.optionsKey ? (f.dependsOn ? options[`${f.optionsKey}:${values[f.dependsOn]}`] : options[f.optionsKey]) : undefined) ?? []);

  // The file streams from the server as an attachment (admin/exportDownload.ts), inside the session.
  const download = () => {
    if (!job?.downloadUrl) return;
    const a = document.createElement('a');
    a.href = job.downloadUrl;
    a.download = '';
    a.click();
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const data = new FormData();
    for (const f of spec.fields) if (shown(f)) data.append(f.name, values[f.name] ?? '');
    for (const [k, v] of Object.entries(filtersFromLocation())) data.append(`filter.${k}`, v);
    data.append('idempotencyKey', idempotencyKey);
    void send(data, (answer: ActionAnswer) => {
      if (answer.reveal) return setReveal(answer.reveal), true;
      if (answer.exportJob) return setJob({ ...answer.exportJob, status: 'queued', rows: 0 }), true;
      return false;
    });
  };

  const setValue = (name: string, value: string) => {
    const next = { ...values, [name]: value };
    for (const dep of spec.fields.filter((d) => d.dependsOn === name && d.optionsKey)) next[dep.name] = options[`${dep.optionsKey}:${value}`]?.[0]?.value ?? '';
    setValues(next);
  };
  const problem = error && (isKey(error) ? translateMessage(error, resource.id) : error);
  const open = !reveal && !job;

  return (
    <Box variant="card" p="xl" as="form" onSubmit={submit} data-testid={`command-form-${action.name}`}>
      <H4>{tr('title', spec.title)}</H4>
      {spec.description && <Text mb="lg">{tr('description', spec.description)}</Text>}
      {spec.summary?.map((s) => (
        <Text key={s.path} mb="sm">
          {say('summaryLine', { label: tr(`summary_${s.path}`, s.label), value: String(record?.params?.[s.path] ?? '—') })}
        </Text>
      ))}
      {records?.length ? <Text mb="lg">{say('selected', { count: records.length })}</Text> : null}
      {account && (
        <Text mb="lg" data-testid="command-form-account">
          {say('account', { balance: account.balance, frozen: account.frozen })}
        </Text>
      )}
      {problem && <MessageBox mb="lg" variant="danger" message={problem} data-testid="command-form-error" />}
      {reveal && (
        <MessageBox mb="lg" variant="info" message={reveal.title} data-testid="command-form-reveal">
          <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', userSelect: 'all' }}>{reveal.lines.join('\n')}</pre>
        </MessageBox>
      )}
      {job && (
        <Box mb="lg" data-testid="command-form-export-status">
          <Text>{say(job.status === 'done' ? 'exportDone' : job.status === 'failed' ? 'exportFailed' : 'exportRunning', { rows: job.rows })}</Text>
          {job.status === 'done' && (
            <Button type="button" mt="default" onClick={download} data-testid="command-form-export-download">
              {say('download')}
            </Button>
          )}
        </Box>
      )}
      {open &&
        spec.fields.filter(shown).map((f) => (
          <FormGroup key={f.name} data-testid={`command-form-field-${f.name}`}>
            <Label required={f.required}>{tr(f.name, f.label)}</Label>
            {f.type === 'textarea' ? (
              <TextArea
                name={f.name}
                width={1}
                placeholder={f.placeholder && tr(`${f.name}_placeholder`, f.placeholder)}
                value={values[f.name]}
                onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setValue(f.name, e.target.value)}
              />
            ) : f.type === 'select' ? (
              <Select
                value={optionsOf(f).find((o) => o.value === values[f.name]) ?? null}
                options={optionsOf(f)}
                onChange={(selected: Option | null) => setValue(f.name, selected?.value ?? '')}
              />
            ) : (
              <Input
                name={f.name}
                width={1}
                placeholder={f.placeholder && tr(`${f.name}_placeholder`, f.placeholder)}
                value={values[f.name]}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue(f.name, e.target.value)}
              />
            )}
          </FormGroup>
        ))}
      {open && (
        <Button variant="contained" type="submit" disabled={busy} data-testid="command-form-submit">
          {tr('submitLabel', spec.submitLabel)}
        </Button>
      )}
    </Box>
  );
};

export default CommandForm;
