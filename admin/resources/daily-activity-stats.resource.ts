import { DailyActivityStat } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `daily_activity_stats`. */
export const dailyActivityStatsResource = () =>
  defineResource(DailyActivityStat, {
    navigation: 'stats',
    list: ['day', 'hour', 'userId', 'logins', 'operations'],
    filter: ['day', 'hour', 'userId'],
    sort: { sortBy: 'day', direction: 'desc' },
    actions: {},
  });
