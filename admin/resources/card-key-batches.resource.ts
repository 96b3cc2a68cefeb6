import { cardKeyBatchActions } from '../actions/cardKeys.js';
import { CardKeyBatch } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `card_key_batches`. */
export const cardKeyBatchesResource = () =>
  defineResource(CardKeyBatch, {
    navigation: 'cardKeys',
    list: ['id', 'projectId', 'agentId', 'validityLabel', 'count', 'totalCost', 'status', 'progress', 'createdAt'],
    filter: ['projectId', 'agentId', 'status', 'createdAt'],
    money: ['unitPrice', 'totalCost'],
    enums: { status: ['generating', 'completed', 'failed', 'disabled'] },
    actions: { ...cardKeyBatchActions },
  });
