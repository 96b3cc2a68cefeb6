import { SystemLog } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `system_logs`. */
export const systemLogsResource = () =>
  defineResource(SystemLog, {
    navigation: 'logs',
    list: ['id', 'level', 'source', 'message', 'createdAt'],
    filter: ['level', 'source', 'createdAt'],
    json: ['context'],
    textarea: ['message'],
    enums: { level: ['debug', 'info', 'warn', 'error', 'alert'] },
    actions: {},
  });
