import { z } from 'zod';
import { notifyExpiringAuthorizations } from '../../server/services/projects/authorizationExpiry.js';
import { defineJob } from '../registry.js';

export const authorizationJobs = [
  defineJob({
    name: 'authorizations:expiry-notice',
    queue: 'notifications',
    description: 'Tell agents (in-site and by email) about project authorizations expiring within notification.authorization_expiry_days; once per expiry',
    schedule: { cron: '0 * * * *' },
    data: z.object({}).default({}),
    run: async () => notifyExpiringAuthorizations(),
  }),
];
