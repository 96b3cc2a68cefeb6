import { DailyPointsStat } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `daily_points_stats`. */
export const dailyPointsStatsResource = () =>
  defineResource(DailyPointsStat, {
    navigation: 'stats',
    list: ['day', 'operationType', 'points', 'records'],
    filter: ['day', 'operationType'],
    enums: { operationType: [1, 2, 3, 4, 5, 6] },
    sort: { sortBy: 'day', direction: 'desc' },
    actions: {},
  });
