import { Withdrawal } from '../../server/models/index.js';
import { defineResource } from './define.js';
import { withdrawalActions } from '../actions/quota.js';

/** `withdrawals`. */
export const withdrawalsResource = () =>
  defineResource(Withdrawal, {
    navigation: 'quota',
    list: ['id', 'userId', 'amount', 'status', 'reviewerId', 'createdAt'],
    filter: ['userId', 'status', 'createdAt'],
    money: ['amount'],
    enums: { status: ['pending', 'approved', 'rejected', 'cancelled'] },
    actions: { ...withdrawalActions },
  });
