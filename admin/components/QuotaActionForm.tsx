import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, H4, Input, Label, MessageBox, Select, Text, TextArea } from '@adminjs/design-system';
import { ApiClient, useTranslation, type ActionProps } from 'adminjs';
import type { Field, FormSpec } from './shared/formSpec';
import { useActionSubmit } from './shared/useActionSubmit';

const api = new ApiClient();

/**
 * The form of every quota action (充值, 转账, 申请提现, 审核, 撤销): fields come from the action's
 * `custom` spec; the server (the quota service) decides, and its refusal message is shown as is.
 * The spec's texts are zh-CN; a locale label `<resource>_<action>_<key>` (e.g.
 * `quota_transfers_review_decision_partial`) translates one of them.
 */
const QuotaActionForm: React.FC<ActionProps> = (props) => {
  const { action, resource, record } = props;
  const spec = action.custom as FormSpec;
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(spec.fields.map((f) => [f.name, f.type === 'select' ? (f.options?.[0]?.value ?? '') : ''])),
  );
  const { submit: send, error, busy } = useActionSubmit(props);
  const { translateLabel } = useTranslation();
  const tr = (key: string, zh: string): string => translateLabel(`${resource.id}_${action.name}_${key}`, { defaultValue: zh });
  const options = (f: Field) => (f.options ?? []).map((o) => ({ value: o.value, label: tr(`${f.name}_${o.value}`, o.label) }));
  const shown = (f: Field): boolean => !f.showWhen || values[f.showWhen.field] === f.showWhen.value;
  const [account, setAccount] = useState<{ balance: string; frozen: string } | null>(null);
  useEffect(() => {
    if (record) return;
    api
      .resourceAction({ resourceId: resource.id, actionName: action.name })
      .then((res) => setAccount((res.data as { account?: { balance: string; frozen: string } }).account ?? null))
      .catch(() => undefined);
  }, [record, resource.id, action.name]);
  // Sent once per form: a double click or a retried request runs the command once.
  const [idempotencyKey] = useState(() => `adm-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const data = new FormData();
    for (const f of spec.fields) if (shown(f)) data.append(f.name, values[f.name] ?? '');
    data.append('idempotencyKey', idempotencyKey);
    void send(data);
  };

  return (
    <Box variant="card" p="xl" as="form" onSubmit={submit} data-testid={`quota-form-${action.name}`}>
      <H4>{tr('title', spec.title)}</H4>
      {spec.description && <Text mb="lg">{tr('description', spec.description)}</Text>}
      {spec.summary?.map((s) => (
        <Text key={s.path} mb="sm">
          {tr(`summary_${s.path}`, s.label)}：{String(record?.params?.[s.path] ?? '—')}
        </Text>
      ))}
      {account && (
        <Text mb="lg" data-testid="quota-form-account">
          {translateLabel('quota_form_account', { balance: account.balance, frozen: account.frozen, defaultValue: `可用额度：${account.balance}　冻结额度：${account.frozen}` })}
        </Text>
      )}
      {error && <MessageBox mb="lg" variant="danger" message={error} data-testid="quota-form-error" />}
      {spec.fields.filter(shown).map((f) => (
        <FormGroup key={f.name} data-testid={`quota-form-field-${f.name}`}>
          <Label required={f.required}>{tr(f.name, f.label)}</Label>
          {f.type === 'textarea' ? (
            <TextArea
              name={f.name}
              width={1}
              placeholder={f.placeholder}
              value={values[f.name]}
              onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setValues({ ...values, [f.name]: e.target.value })}
            />
          ) : f.type === 'select' ? (
            <Select
              value={options(f).find((o) => o.value === values[f.name]) ?? null}
              options={options(f)}
              onChange={(selected: { value: string } | null) => setValues({ ...values, [f.name]: selected?.value ?? '' })}
            />
          ) : (
            <Input
              name={f.name}
              width={1}
              placeholder={f.placeholder}
              value={values[f.name]}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [f.name]: e.target.value })}
            />
          )}
        </FormGroup>
      ))}
      <Button variant="contained" type="submit" disabled={busy} data-testid="quota-form-submit">
        {tr('submitLabel', spec.submitLabel)}
      </Button>
    </Box>
  );
};

export default QuotaActionForm;
