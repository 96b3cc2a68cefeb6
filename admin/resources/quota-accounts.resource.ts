import { QuotaAccount } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `quota_accounts`. */
export const quotaAccountsResource = () =>
  defineResource(QuotaAccount, {
    navigation: 'quota',
    list: ['userId', 'balance', 'frozen', 'updatedAt'],
    filter: ['userId'],
    money: ['balance', 'frozen'],
    sort: { sortBy: 'userId', direction: 'asc' },
    actions: {},
  });
