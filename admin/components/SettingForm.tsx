import React, { useState } from 'react';
import { Box, Button, FormGroup, H4, Input, Label, MessageBox, Select, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';

interface SettingSpec {
  kind: 'boolean' | 'number' | 'string';
  default: unknown;
  description: string;
  hint: string;
}

const api = new ApiClient();

const SWITCH = [
  { value: 'true', label: '开启' },
  { value: 'false', label: '关闭' },
];

const shown = (value: unknown): string =>
  value === true ? '开启' : value === false ? '关闭' : value === undefined || value === null ? '—' : String(value);

/**
 * 修改 a system setting: the input matches the setting's type (switch, number, text); the server
 * (updateSetting) validates, and its message is shown as is when it refuses.
 */
const SettingForm: React.FC<ActionProps> = ({ action, resource, record }) => {
  const custom = action.custom as { title: string; submitLabel: string; settings: Record<string, SettingSpec> };
  const key = String(record?.id ?? '');
  const spec = custom.settings[key];
  const current = record?.params?.value;
  const addNotice = useNotice();
  const [value, setValue] = useState<string>(current === undefined || current === null ? '' : String(current));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!record) return null;
  if (!spec) return <MessageBox variant="danger" message={`未知的配置项：${key}`} />;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const data = new FormData();
    data.append('value', value);
    try {
      const response = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, data });
      const body = response.data as { notice?: { message: string; type?: string }; redirectUrl?: string; record?: { baseError?: { message?: string } } };
      const failure = body.record?.baseError?.message ?? (body.notice?.type === 'error' ? body.notice.message : null);
      if (failure) {
        setError(failure);
        return;
      }
      if (body.notice) addNotice({ message: body.notice.message, type: 'success' });
      if (body.redirectUrl) window.location.assign(body.redirectUrl);
    } catch {
      setError('请求失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box variant="card" p="xl" as="form" onSubmit={submit} data-testid="setting-form">
      <H4>{custom.title}</H4>
      <Text mb="sm">配置项：{key}</Text>
      <Text mb="sm">说明：{spec.description}</Text>
      <Text mb="sm" data-testid="setting-form-current">
        当前值：{shown(current)}
      </Text>
      <Text mb="lg">
        默认值：{shown(spec.default)}　取值：{spec.hint}
      </Text>
      {error && <MessageBox mb="lg" variant="danger" message={error} data-testid="setting-form-error" />}
      <FormGroup>
        <Label required>新的值</Label>
        {spec.kind === 'boolean' ? (
          <Select
            value={SWITCH.find((o) => o.value === value) ?? null}
            options={SWITCH}
            onChange={(selected: { value: string } | null) => setValue(selected?.value ?? '')}
          />
        ) : (
          <Input
            name="value"
            width={1}
            type={spec.kind === 'number' ? 'number' : 'text'}
            step={spec.kind === 'number' ? 'any' : undefined}
            value={value}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue(e.target.value)}
          />
        )}
      </FormGroup>
      <Button variant="contained" type="submit" disabled={busy} data-testid="setting-form-submit">
        {custom.submitLabel}
      </Button>
    </Box>
  );
};

export default SettingForm;
