import { DailyQuotaStat } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `daily_quota_stats`. */
export const dailyQuotaStatsResource = () =>
  defineResource(DailyQuotaStat, {
    navigation: 'stats',
    list: ['day', 'userId', 'type', 'amount', 'moves'],
    filter: ['day', 'userId', 'type'],
    money: ['amount'],
    sort: { sortBy: 'day', direction: 'desc' },
    actions: {},
  });
