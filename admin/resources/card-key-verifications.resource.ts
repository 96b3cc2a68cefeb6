import { CardKeyVerification } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `card_key_verifications`. */
export const cardKeyVerificationsResource = () =>
  defineResource(CardKeyVerification, {
    navigation: 'cardKeys',
    list: ['id', 'code', 'projectId', 'agentId', 'result', 'ip', 'createdAt'],
    filter: ['code', 'cardKeyId', 'projectId', 'agentId', 'result', 'deviceId', 'createdAt'],
    actions: {},
  });
