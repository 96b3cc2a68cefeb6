import React, { useEffect, useState } from 'react';
import { Badge, Box, Icon, Link } from '@adminjs/design-system';
import { ApiClient, useTranslation } from 'adminjs';
import { useScreenLanguage } from './shared/useScreenLanguage';

const api = new ApiClient();
const REFRESH_MS = 60_000;

/**
 * The top bar's signed-in user menu, with the unread notification count in front of it.
 * Replaces AdminJS's `LoggedIn` and renders the original next to the count.
 */
const NotificationBell: React.FC<Record<string, unknown> & { OriginalComponent?: React.ComponentType<Record<string, unknown>>; paths?: { rootPath?: string } }> = (props) => {
  useScreenLanguage();
  const { translateAction, translateLabel } = useTranslation();
  const { OriginalComponent, paths } = props;
  // The session's title was written at login in zh-CN ("name · 超级管理员"): the role is said in the screen's language.
  const session = props.session as { username?: string; role?: string; title?: string } | undefined;
  const shownSession = session?.role && session.username ? { ...session, title: `${session.username} · ${translateLabel(`role.${session.role}`)}` } : session;
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let alive = true;
    const refresh = () =>
      api
        .resourceAction({ resourceId: 'notification_recipients', actionName: 'unreadCount' })
        .then((res) => alive && setCount(Number((res.data as unknown as { count?: number }).count ?? 0)))
        .catch(() => undefined);
    void refresh();
    const timer = window.setInterval(refresh, REFRESH_MS);
    window.addEventListener('seahorse:notifications-changed', refresh);
    return () => {
      alive = false;
      window.clearInterval(timer);
      window.removeEventListener('seahorse:notifications-changed', refresh);
    };
  }, []);
  const href = `${paths?.rootPath ?? '/admin'}/resources/notification_recipients/actions/inbox`;
  return (
    <Box flex flexDirection="row" alignItems="center">
      <Link href={href} title={translateAction('inbox', 'notification_recipients')} data-testid="notification-bell" data-unread={count ?? ''} style={{ display: 'flex', alignItems: 'center', gap: 4, padding: '0 12px' }}>
        <Icon icon="Bell" />
        {count ? <Badge variant="danger" size="sm">{count}</Badge> : null}
      </Link>
      {OriginalComponent ? <OriginalComponent {...props} session={shownSession} /> : null}
    </Box>
  );
};

export default NotificationBell;
