import { DailyCardKeyStat } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `daily_card_key_stats`. */
export const dailyCardKeyStatsResource = () =>
  defineResource(DailyCardKeyStat, {
    navigation: 'stats',
    list: ['day', 'projectId', 'agentId', 'generated', 'activated', 'verified', 'expired', 'disabled'],
    filter: ['day', 'projectId', 'agentId'],
    sort: { sortBy: 'day', direction: 'desc' },
    actions: {},
  });
