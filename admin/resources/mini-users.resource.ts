import { MiniUser } from '../../server/models/index.js';
import { miniUserAdminActions } from '../actions/miniprogram.js';
import { defineResource } from './define.js';

/** `meta_user`. */
export const miniUsersResource = () =>
  defineResource(MiniUser, {
    navigation: 'points',
    list: ['id', 'nickname', 'openid', 'status', 'totalPoints', 'lastLoginAt', 'createdAt'],
    filter: ['openid', 'nickname', 'status', 'createdAt'],
    enums: { status: [0, 1] },
    actions: miniUserAdminActions,
  });
