import { ApiCatalogEntry } from '../../server/models/index.js';
import { apiCatalogHandlers } from '../actions/apiKeys.js';
import { defineResource } from './define.js';

/** `api_catalog`. */
export const apiCatalogResource = () =>
  defineResource(ApiCatalogEntry, {
    navigation: 'points',
    list: ['id', 'name', 'path', 'pointsPerCall', 'status', 'serviceStatus'],
    edit: ['name', 'path', 'pointsPerCall', 'status', 'description', 'serviceStatus', 'serviceMessage'],
    filter: ['name', 'status'],
    enums: { status: [0, 1], serviceStatus: ['normal', 'degraded', 'maintenance'] },
    optional: ['status', 'serviceStatus'],
    textarea: ['description', 'serviceMessage'],
    actions: {},
    handlers: apiCatalogHandlers,
  });
