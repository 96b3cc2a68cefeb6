import { ApiKeyScope } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `api_key_scopes`. */
export const apiKeyScopesResource = () =>
  defineResource(ApiKeyScope, {
    navigation: 'points',
    list: ['apiKeyId', 'apiId'],
    filter: ['apiKeyId', 'apiId'],
    sort: { sortBy: 'apiKeyId', direction: 'asc' },
    actions: {},
  });
