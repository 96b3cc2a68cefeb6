import { PointsLot } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `points_lots`. */
export const pointsLotsResource = () =>
  defineResource(PointsLot, {
    navigation: 'points',
    list: ['id', 'userId', 'source', 'points', 'remaining', 'expiresAt', 'createdAt'],
    filter: ['userId', 'source', 'expiresAt'],
    actions: {},
  });
