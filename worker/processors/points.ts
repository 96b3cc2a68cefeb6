import { z } from 'zod';
import { expireLots } from '../../server/services/points/index.js';
import { defineJob } from '../registry.js';

export const pointsJobs = [
  defineJob({
    name: 'points:expire-lots',
    queue: 'maintenance',
    description: 'Expire points lots past their expiry: one ledger row per lot, meta_user.total_points kept equal to the live lots',
    schedule: { every: 5 * 60_000 },
    data: z.object({}).default({}),
    run: async () => expireLots(),
  }),
];
