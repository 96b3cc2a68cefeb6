import { LoginLog } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `login_logs`. */
export const loginLogsResource = () =>
  defineResource(LoginLog, {
    navigation: 'logs',
    list: ['id', 'username', 'userId', 'success', 'reason', 'ip', 'createdAt'],
    filter: ['username', 'userId', 'success', 'reason', 'ip', 'createdAt'],
    textarea: ['userAgent'],
    actions: {},
  });
