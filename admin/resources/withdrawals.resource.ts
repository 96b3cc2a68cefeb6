import { Withdrawal } from '../../server/models/index.js';
import { defineResource } from './define.js';
import { withdrawalActions } from '../actions/quota.js';

/** `withdrawals`. */
export const withdrawalsResource = () =>
  defineResource(Withdrawal, {
    navigation: 'quota',
    list: ['id', 'userId', 'amount', 'status', 'holdReason', 'reviewerId', 'createdAt'],
    filter: ['userId', 'status', 'holdReason', 'createdAt'],
    money: ['amount', 'approvedAmount'],
    enums: { status: ['pending_review', 'pending', 'approved', 'rejected', 'cancelled'], holdReason: ['amount_threshold', 'balance_share', 'daily_count', 'burst'] },
    actions: { ...withdrawalActions },
  });
