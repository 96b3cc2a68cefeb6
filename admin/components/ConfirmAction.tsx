import React from 'react';
import { Box, Button, H4, MessageBox, Text } from '@adminjs/design-system';
import { useTranslation, type ActionProps } from 'adminjs';
import { useActionSubmit } from './shared/useActionSubmit';

/**
 * A record action that changes state after one confirmation (冻结, 解冻, 解除锁定). AdminJS calls
 * component-less actions with GET, which must never change anything, so the confirmation POSTs.
 */
const ConfirmAction: React.FC<ActionProps> = (props) => {
  const { action, record, resource } = props;
  const spec = (action.custom ?? {}) as { title?: string; description?: string; submitLabel?: string };
  // The spec's texts are zh-CN; the locale files hold both languages under <resource>_<action>_<key>.
  const { translateLabel } = useTranslation();
  const tr = (key: string, zh: string | undefined): string | undefined =>
    zh === undefined ? undefined : translateLabel(`${resource.id}_${action.name}_${key}`, { defaultValue: zh });
  const { submit: send, error, busy } = useActionSubmit(props);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (record) void send(new FormData());
  };

  return (
    <Box variant="card" p="xl" as="form" onSubmit={submit} data-testid={`confirm-${action.name}`}>
      <H4>{tr('title', spec.title) ?? action.label}</H4>
      <Text mb="lg">
        {record?.title ? `${record.title}：` : ''}
        {tr('description', spec.description)}
      </Text>
      {error && <MessageBox mb="lg" variant="danger" message={error} />}
      <Button variant="contained" type="submit" disabled={busy}>
        {tr('submitLabel', spec.submitLabel) ?? action.label}
      </Button>
    </Box>
  );
};

export default ConfirmAction;
