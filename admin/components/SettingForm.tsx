import React, { useState } from 'react';
import { Box, Button, FormGroup, H4, Input, Label, MessageBox, Select, Text } from '@adminjs/design-system';
import type { ActionProps } from 'adminjs';
import { useActionSubmit } from './shared/useActionSubmit';

interface SettingSpec {
  kind: 'boolean' | 'number' | 'string';
  default: unknown;
  description: string;
  hint: string;
}

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
const SettingForm: React.FC<ActionProps> = (props) => {
  const { action, record } = props;
  const custom = action.custom as { title: string; submitLabel: string; settings: Record<string, SettingSpec> };
  const key = String(record?.id ?? '');
  const spec = custom.settings[key];
  const current = record?.params?.value;
  const [value, setValue] = useState<string>(current === undefined || current === null ? '' : String(current));
  const { submit: send, error, busy } = useActionSubmit(props);

  if (!record) return null;
  if (!spec) return <MessageBox variant="danger" message={`未知的配置项：${key}`} />;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const data = new FormData();
    data.append('value', value);
    void send(data);
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
