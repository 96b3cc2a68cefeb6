import { ApiCallLog } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `api_call_logs`. */
export const apiCallLogsResource = () =>
  defineResource(ApiCallLog, {
    navigation: 'logs',
    list: ['id', 'method', 'path', 'status', 'durationMs', 'projectId', 'ip', 'createdAt'],
    filter: ['path', 'status', 'projectId', 'requestId', 'createdAt'],
    actions: {},
  });
