import { systemConfigActions } from '../actions/systemConfig.js';
import { SystemConfig } from '../../server/models/index.js';
import { Components } from '../componentLoader.js';
import { defineResource } from './define.js';

/** `system_configs`: values change only through 修改 (updateSetting: validated, logged), never the generic edit. */
export const systemConfigsResource = () =>
  defineResource(SystemConfig, {
    navigation: 'system',
    list: ['key', 'configGroup', 'value', 'description', 'updatedBy', 'updatedAt'],
    show: ['key', 'configGroup', 'value', 'description', 'updatedBy', 'createdAt', 'updatedAt'],
    filter: ['key', 'configGroup'],
    json: ['value'],
    enums: { configGroup: ['basic', 'security', 'quota', 'notification', 'card_key', 'points'] },
    sort: { sortBy: 'key', direction: 'asc' },
    actions: { ...systemConfigActions },
    options: {
      properties: {
        value: { isVisible: { list: true, filter: false, show: true, edit: false }, components: { list: Components.SettingValue, show: Components.Json } },
        description: { components: { list: Components.SettingDescription, show: Components.SettingDescription } },
      },
    },
  });
