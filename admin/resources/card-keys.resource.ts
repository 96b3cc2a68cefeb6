import { cardKeyActions } from '../actions/cardKeys.js';
import { concurrentList } from '../actions/largeList.js';
import { CardKey } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `card_keys`. */
export const cardKeysResource = () =>
  defineResource(CardKey, {
    navigation: 'cardKeys',
    list: ['id', 'code', 'projectId', 'agentId', 'status', 'activatedAt', 'expiresAt', 'createdAt'],
    filter: ['code', 'batchId', 'projectId', 'agentId', 'status', 'deviceId'],
    json: ['deviceInfo'],
    enums: { status: ['unused', 'active', 'expired', 'disabled', 'revoked', 'redeemed'] },
    actions: { ...cardKeyActions },
    handlers: { list: concurrentList },
  });
