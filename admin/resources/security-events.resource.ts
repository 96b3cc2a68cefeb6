import { SecurityEvent } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `security_events`: 安全日志. Super admins see every entry, agent admins their own and their agents'. */
export const securityEventsResource = () =>
  defineResource(SecurityEvent, {
    navigation: 'logs',
    list: ['id', 'kind', 'userId', 'ip', 'createdAt'],
    show: ['id', 'kind', 'userId', 'ip', 'userAgent', 'details', 'createdAt'],
    filter: ['kind', 'userId', 'ip', 'createdAt'],
    json: ['details'],
    textarea: ['userAgent'],
    enums: { kind: ['new_network', 'new_browser', 'account_locked', 'sensitive_ops_limited'] },
    actions: {},
  });
