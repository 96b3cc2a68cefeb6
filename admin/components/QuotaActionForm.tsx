import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, H4, Input, Label, MessageBox, Select, Text, TextArea } from '@adminjs/design-system';
import { ApiClient, type ActionProps } from 'adminjs';
import type { FormSpec } from './shared/formSpec';
import { useActionSubmit } from './shared/useActionSubmit';

const api = new ApiClient();

/**
 * The form of every quota action (充值, 转账, 申请提现, 审核, 撤销): fields come from the action's
 * `custom` spec; the server (the quota service) decides, and its refusal message is shown as is.
 */
const QuotaActionForm: React.FC<ActionProps> = (props) => {
  const { action, resource, record } = props;
  const spec = action.custom as FormSpec;
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(spec.fields.map((f) => [f.name, f.type === 'select' ? (f.options?.[0]?.value ?? '') : ''])),
  );
  const { submit: send, error, busy } = useActionSubmit(props);
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
    for (const [k, v] of Object.entries(values)) data.append(k, v);
    data.append('idempotencyKey', idempotencyKey);
    void send(data);
  };

  return (
    <Box variant="card" p="xl" as="form" onSubmit={submit} data-testid={`quota-form-${action.name}`}>
      <H4>{spec.title}</H4>
      {spec.description && <Text mb="lg">{spec.description}</Text>}
      {spec.summary?.map((s) => (
        <Text key={s.path} mb="sm">
          {s.label}：{String(record?.params?.[s.path] ?? '—')}
        </Text>
      ))}
      {account && (
        <Text mb="lg" data-testid="quota-form-account">
          可用额度：{account.balance}　冻结额度：{account.frozen}
        </Text>
      )}
      {error && <MessageBox mb="lg" variant="danger" message={error} data-testid="quota-form-error" />}
      {spec.fields.map((f) => (
        <FormGroup key={f.name}>
          <Label required={f.required}>{f.label}</Label>
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
              value={f.options?.find((o) => o.value === values[f.name]) ?? null}
              options={f.options ?? []}
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
        {spec.submitLabel}
      </Button>
    </Box>
  );
};

export default QuotaActionForm;
