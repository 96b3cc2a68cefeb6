import { SystemConfig } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `system_configs`. */
export const systemConfigsResource = () =>
  defineResource(SystemConfig, {
    navigation: 'system',
    list: ['key', 'configGroup', 'description', 'updatedBy', 'updatedAt'],
    filter: ['key', 'configGroup'],
    json: ['value'],
    sort: { sortBy: 'key', direction: 'asc' },
    actions: {},
  });
