import { SystemConfigChange } from '../../server/models/index.js';
import { Components } from '../componentLoader.js';
import { defineResource } from './define.js';

const shownInList = { isVisible: { list: true, filter: false, show: true, edit: false }, components: { list: Components.SettingValue, show: Components.Json } };

/** `system_config_changes`: read-only, one row per change with the value before and after. */
export const systemConfigChangesResource = () =>
  defineResource(SystemConfigChange, {
    navigation: 'system',
    list: ['id', 'key', 'before', 'after', 'actorId', 'ip', 'createdAt'],
    filter: ['key', 'actorId', 'createdAt'],
    json: ['before', 'after'],
    actions: {},
    options: { properties: { before: shownInList, after: shownInList } },
  });
