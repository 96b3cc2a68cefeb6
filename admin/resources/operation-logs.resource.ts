import { OperationLog } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `operation_logs`. */
export const operationLogsResource = () =>
  defineResource(OperationLog, {
    navigation: 'logs',
    list: ['id', 'actorId', 'ownerId', 'action', 'resource', 'recordId', 'createdAt'],
    filter: ['actorId', 'ownerId', 'action', 'resource', 'recordId', 'createdAt'],
    json: ['before', 'after'],
    actions: {},
  });
