import { ApiCatalogEntry } from '../../server/models/index.js';
import { apiCatalogHandlers } from '../actions/apiKeys.js';
import { defineResource } from './define.js';

/** `api_catalog`. */
export const apiCatalogResource = () =>
  defineResource(ApiCatalogEntry, {
    navigation: 'points',
    list: ['id', 'name', 'path', 'pointsPerCall', 'status'],
    edit: ['name', 'path', 'pointsPerCall', 'status', 'description'],
    filter: ['name', 'status'],
    textarea: ['description'],
    enums: { status: [0, 1] },
    actions: {},
    handlers: apiCatalogHandlers,
  });
