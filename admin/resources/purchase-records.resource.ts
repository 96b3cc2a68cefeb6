import { PurchaseRecord } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `purchase_record`. */
export const purchaseRecordsResource = () =>
  defineResource(PurchaseRecord, {
    navigation: 'points',
    list: ['id', 'userId', 'operationType', 'pointsChange', 'remainingPoints', 'apiName', 'createdAt'],
    filter: ['userId', 'orderId', 'apiKeyId', 'operationType', 'createdAt'],
    textarea: ['memo'],
    enums: { operationType: [1, 2, 3, 4, 5, 6] },
    sort: { sortBy: 'createdAt', direction: 'desc' },
    actions: {},
  });
