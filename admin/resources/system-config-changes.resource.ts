import { SystemConfigChange } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `system_config_changes`. */
export const systemConfigChangesResource = () =>
  defineResource(SystemConfigChange, {
    navigation: 'system',
    list: ['id', 'key', 'actorId', 'ip', 'createdAt'],
    filter: ['key', 'actorId', 'createdAt'],
    json: ['before', 'after'],
    actions: {},
  });
