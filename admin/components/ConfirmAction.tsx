import React, { useState } from 'react';
import { Box, Button, H4, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';

const api = new ApiClient();

/**
 * A record action that changes state after one confirmation (冻结, 解冻, 解除锁定). AdminJS calls
 * component-less actions with GET, which must never change anything, so the confirmation POSTs.
 */
const ConfirmAction: React.FC<ActionProps> = ({ action, resource, record }) => {
  const spec = (action.custom ?? {}) as { title?: string; description?: string; submitLabel?: string };
  const addNotice = useNotice();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!record) return;
    setBusy(true);
    setError(null);
    try {
      const response = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, data: new FormData() });
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
    <Box variant="card" p="xl" as="form" onSubmit={submit} data-testid={`confirm-${action.name}`}>
      <H4>{spec.title ?? action.label}</H4>
      <Text mb="lg">
        {record?.title ? `${record.title}：` : ''}
        {spec.description}
      </Text>
      {error && <MessageBox mb="lg" variant="danger" message={error} />}
      <Button variant="contained" type="submit" disabled={busy}>
        {spec.submitLabel ?? action.label}
      </Button>
    </Box>
  );
};

export default ConfirmAction;
