import { QuotaTransfer } from '../../server/models/index.js';
import { defineResource } from './define.js';
import { quotaTransferActions } from '../actions/quota.js';

/** `quota_transfers`. */
export const quotaTransfersResource = () =>
  defineResource(QuotaTransfer, {
    navigation: 'quota',
    list: ['id', 'kind', 'fromUserId', 'toUserId', 'amount', 'status', 'holdReason', 'createdAt'],
    filter: ['kind', 'fromUserId', 'toUserId', 'status', 'createdAt'],
    money: ['amount', 'approvedAmount'],
    enums: { status: ['completed', 'pending_review', 'rejected', 'partial'], kind: ['transfer', 'recharge'], holdReason: ['amount_threshold', 'burst'] },
    actions: { ...quotaTransferActions },
  });
