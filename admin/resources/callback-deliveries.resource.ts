import { callbackDeliveryActions } from '../actions/cardKeys.js';
import { CallbackDelivery } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `callback_deliveries`. */
export const callbackDeliveriesResource = () =>
  defineResource(CallbackDelivery, {
    navigation: 'cardKeys',
    list: ['id', 'projectId', 'event', 'status', 'attempts', 'lastStatusCode', 'createdAt'],
    filter: ['projectId', 'cardKeyId', 'event', 'status', 'createdAt'],
    json: ['payload'],
    textarea: ['lastError'],
    actions: { ...callbackDeliveryActions },
  });
