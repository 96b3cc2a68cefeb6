import React, { useCallback, useEffect, useState } from 'react';
import { Badge, Box, Button, H3, Text } from '@adminjs/design-system';
import { ApiClient, type ActionProps } from 'adminjs';

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
const TYPE_LABELS: Record<string, string> = { system: '系统公告', feature: '功能更新', maintenance: '维护通知' };

/** 我的通知: the signed-in admin's own notifications, newest first, with read marks. */
const NotificationInbox: React.FC<ActionProps> = ({ resource, action }) => {
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
        <H3>我的通知（未读 {inbox.unread}）</H3>
        <Button size="sm" onClick={() => mark({ all: '1' })} disabled={inbox.unread === 0} data-testid="mark-all-read">
          全部标为已读
        </Button>
      </Box>
      {inbox.items.length === 0 && <Text>暂无通知</Text>}
      {inbox.items.map((n) => (
        <Box key={n.id} py="lg" style={{ borderBottom: '1px solid #eee' }} data-testid="notification-item" data-read={n.readAt ? 'yes' : 'no'}>
          <Box flex flexDirection="row" alignItems="center" style={{ gap: 8 }}>
            {!n.readAt && <Badge variant="primary" size="sm">未读</Badge>}
            {n.announcementType && <Badge size="sm">{TYPE_LABELS[n.announcementType] ?? n.announcementType}</Badge>}
            <Text fontWeight={n.readAt ? 'normal' : 'bold'}>{n.title}</Text>
            <Text color="grey60" fontSize="sm">{new Date(n.createdAt).toLocaleString('zh-CN')}</Text>
            {!n.readAt && (
              <Button size="sm" variant="text" onClick={() => mark({ ids: String(n.id) })}>
                标为已读
              </Button>
            )}
          </Box>
          <Text mt="sm" style={{ whiteSpace: 'pre-wrap' }}>{n.body}</Text>
          {n.linkResource && n.linkRecordId && (
            <a href={`/admin/resources/${encodeURIComponent(n.linkResource)}/records/${encodeURIComponent(n.linkRecordId)}/show`} data-testid="notification-link">
              查看相关记录
            </a>
          )}
        </Box>
      ))}
      {pages > 1 && (
        <Box flex flexDirection="row" mt="lg" style={{ gap: 8 }}>
          <Button size="sm" disabled={page <= 1} onClick={() => setPage(page - 1)}>上一页</Button>
          <Text>{page} / {pages}</Text>
          <Button size="sm" disabled={page >= pages} onClick={() => setPage(page + 1)}>下一页</Button>
        </Box>
      )}
    </Box>
  );
};

export default NotificationInbox;
