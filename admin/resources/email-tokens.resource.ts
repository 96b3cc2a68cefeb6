import { EmailToken } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `email_tokens`. */
export const emailTokensResource = () =>
  defineResource(EmailToken, {
    navigation: 'users',
    list: ['id', 'userId', 'purpose', 'expiresAt', 'usedAt', 'createdAt'],
    filter: ['userId', 'purpose', 'createdAt'],
    actions: {},
  });
