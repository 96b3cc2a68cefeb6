import { ApiKey } from '../../server/models/index.js';
import { apiKeyAdminActions } from '../actions/apiKeys.js';
import { defineResource } from './define.js';

/** `meta_auth_key`. */
export const apiKeysResource = () =>
  defineResource(ApiKey, {
    navigation: 'points',
    list: ['id', 'userId', 'name', 'keyPrefix', 'status', 'expiresAt', 'lastUsedAt', 'callsToday'],
    filter: ['userId', 'keyPrefix', 'status', 'expiresAt'],
    json: ['ipWhitelist'],
    enums: { status: [0, 1] },
    actions: apiKeyAdminActions,
  });
