import { z } from 'zod';
import { flushKeyUsage } from '../../server/services/apiKeys/usage.js';
import { defineJob } from '../registry.js';

export const apiKeyUsageJobs = [
  defineJob({
    name: 'api-keys:flush-usage',
    queue: 'stats',
    description: "Copy API keys' calls today and last use from the Redis counters into meta_auth_key (absolute values, safe to repeat)",
    schedule: { every: 60_000 },
    data: z.object({}).default({}),
    run: async () => flushKeyUsage(),
  }),
];
