import React, { useState } from 'react';
import { Box, Button, FormGroup, H4, Input, Label, MessageBox, Select, Text } from '@adminjs/design-system';
import { useTranslation, type ActionProps } from 'adminjs';
import { settingLabel, useSettingWords } from './shared/settingWords';
import { useActionSubmit } from './shared/useActionSubmit';

interface SettingSpec {
  kind: 'boolean' | 'number' | 'string';
  default: unknown;
  accepts: { integer: boolean; min: number | null; max: number | null };
}

/**
 * 修改 a system setting: the input matches the setting's type (switch, number, text); the server
 * (updateSetting) validates, and its message is shown as is when it refuses. Every word on it is a
 * locale label (the description is the setting's `setting_<key>` label).
 */
const SettingForm: React.FC<ActionProps> = (props) => {
  const { action, record } = props;
  const { translateLabel: tl } = useTranslation();
  const { shown } = useSettingWords();
  const custom = action.custom as { settings: Record<string, SettingSpec> };
  const key = String(record?.id ?? '');
  const spec = custom.settings[key];
  const current = record?.params?.value;
  const [value, setValue] = useState<string>(current === undefined || current === null ? '' : String(current));
  const { submit: send, error, busy } = useActionSubmit(props);

  if (!record) return null;
  if (!spec) return <MessageBox variant="danger" message={tl('settingForm_unknown', { key })} />;

  const switchOptions = [
    { value: 'true', label: tl('setting_on') },
    { value: 'false', label: tl('setting_off') },
  ];
  const bound = (n: number | null) => (n === null ? tl('settingHint_unlimited') : String(n));
  const { min, max, integer } = spec.accepts;
  const hint =
    spec.kind === 'boolean'
      ? tl('settingHint_boolean')
      : spec.kind === 'string'
        ? tl('settingHint_text', { min: bound(min), max: bound(max) })
        : tl(integer ? 'settingHint_integer' : 'settingHint_decimal', { min: bound(integer ? min : (min ?? 0)), max: bound(max) });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const data = new FormData();
    data.append('value', value);
    void send(data);
  };

  return (
    <Box variant="card" p="xl" as="form" onSubmit={submit} data-testid="setting-form">
      <H4>{tl('settingForm_title')}</H4>
      <Text mb="sm">{tl('settingForm_key', { key })}</Text>
      <Text mb="sm" data-testid="setting-form-description">
        {tl('settingForm_description', { text: tl(settingLabel(key)) })}
      </Text>
      <Text mb="sm" data-testid="setting-form-current">
        {tl('settingForm_current', { value: shown(current) })}
      </Text>
      <Text mb="lg">
        {tl('settingForm_default', { value: shown(spec.default) })}　{tl('settingForm_accepts', { hint })}
      </Text>
      {error && <MessageBox mb="lg" variant="danger" message={error} data-testid="setting-form-error" />}
      <FormGroup>
        <Label required>{tl('settingForm_newValue')}</Label>
        {spec.kind === 'boolean' ? (
          <Select
            value={switchOptions.find((o) => o.value === value) ?? null}
            options={switchOptions}
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
        {tl('settingForm_submit')}
      </Button>
    </Box>
  );
};

export default SettingForm;
