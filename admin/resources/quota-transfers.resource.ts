import { QuotaTransfer } from '../../server/models/index.js';
import { defineResource } from './define.js';
import { quotaTransferActions } from '../actions/quota.js';

/** `quota_transfers`. */
export const quotaTransfersResource = () =>
  defineResource(QuotaTransfer, {
    navigation: 'quota',
    list: ['id', 'fromUserId', 'toUserId', 'amount', 'status', 'createdAt'],
    filter: ['fromUserId', 'toUserId', 'status', 'createdAt'],
    money: ['amount', 'approvedAmount'],
    enums: { status: ['completed', 'pending_review', 'rejected', 'partial'] },
    actions: { ...quotaTransferActions },
  });
