import { MeteringService } from '../../server/models/index.js';
import { meteringServiceAdminActions } from '../actions/apiKeys.js';
import { defineResource } from './define.js';

/** `metering_services`. */
export const meteringServicesResource = () =>
  defineResource(MeteringService, {
    navigation: 'points',
    list: ['id', 'name', 'clientId', 'status', 'createdAt'],
    edit: ['name', 'status'],
    filter: ['name', 'clientId', 'status'],
    enums: { status: [0, 1] },
    actions: meteringServiceAdminActions,
  });
