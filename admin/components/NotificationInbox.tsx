import React, { useCallback, useEffect, useState } from 'react';
import { Badge, Box, Button, H3, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation, type ActionProps } from 'adminjs';

interface Item {
  id: number;
  title: string;
  body: string;
  readAt: string | null;
  createdAt: string;
  linkResource: string | null;
  linkRecordId: string | null;
  announcementType: string | null;
}
interface Inbox {
  items: Item[];
  total: number;
  page: number;
  unread: number;
}

const api = new ApiClient();

/** 我的通知: the signed-in admin's own notifications, newest first, with read marks (its words from the locale files). */
const NotificationInbox: React.FC<ActionProps> = ({ resource, action }) => {
  const { translateLabel: tl, i18n } = useTranslation();
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [page, setPage] = useState(1);

  const load = useCallback(
    async (data?: FormData) => {
      const res = await api.resourceAction({ resourceId: resource.id, actionName: action.name, params: { page }, data });
      setInbox(res.data as unknown as Inbox);
      window.dispatchEvent(new Event('seahorse:notifications-changed'));
    },
    [resource.id, action.name, page],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const mark = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.append(k, v);
    void load(data);
  };

  if (!inbox) return <Text>…</Text>;
  const pages = Math.max(1, Math.ceil(inbox.total / 20));
  return (
    <Box variant="card" p="xl" data-testid="notification-inbox">
      <Box flex flexDirection="row" justifyContent="space-between" alignItems="center" mb="lg">
        <H3>{tl('inbox_title', { unread: inbox.unread })}</H3>
        <Button size="sm" onClick={() => mark({ all: '1' })} disabled={inbox.unread === 0} data-testid="mark-all-read">
          {tl('inbox_markAllRead')}
        </Button>
      </Box>
      {inbox.items.length === 0 && <Text>{tl('inbox_empty')}</Text>}
      {inbox.items.map((n) => (
        <Box key={n.id} py="lg" style={{ borderBottom: '1px solid #eee' }} data-testid="notification-item" data-read={n.readAt ? 'yes' : 'no'}>
          <Box flex flexDirection="row" alignItems="center" style={{ gap: 8 }}>
            {!n.readAt && <Badge variant="primary" size="sm">{tl('inbox_unread')}</Badge>}
            {n.announcementType && <Badge size="sm">{tl(`announcementType.${n.announcementType}`, { defaultValue: n.announcementType })}</Badge>}
            <Text fontWeight={n.readAt ? 'normal' : 'bold'}>{n.title}</Text>
            <Text color="grey60" fontSize="sm">{new Date(n.createdAt).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'zh-CN')}</Text>
            {!n.readAt && (
              <Button size="sm" variant="text" onClick={() => mark({ ids: String(n.id) })}>
                {tl('inbox_markRead')}
              </Button>
            )}
          </Box>
          <Text mt="sm" style={{ whiteSpace: 'pre-wrap' }}>{n.body}</Text>
          {n.linkResource && n.linkRecordId && (
            <a href={`/admin/resources/${encodeURIComponent(n.linkResource)}/records/${encodeURIComponent(n.linkRecordId)}/show`} data-testid="notification-link">
              {tl('inbox_openRecord')}
            </a>
          )}
        </Box>
      ))}
      {pages > 1 && (
        <Box flex flexDirection="row" mt="lg" style={{ gap: 8 }}>
          <Button size="sm" disabled={page <= 1} onClick={() => setPage(page - 1)}>{tl('inbox_previous')}</Button>
          <Text>{page} / {pages}</Text>
          <Button size="sm" disabled={page >= pages} onClick={() => setPage(page + 1)}>{tl('inbox_next')}</Button>
        </Box>
      )}
    </Box>
  );
};

export default NotificationInbox;
