import { z } from 'zod';
import { closeExpiredOrders } from '../../server/services/orders/index.js';
import { defineJob } from '../registry.js';

export const orderJobs = [
  defineJob({
    name: 'orders:close-expired',
    queue: 'payments',
    description: 'Pending orders past their timeout: ask WeChat first (a paid order whose notification was lost is credited), close the rest at WeChat and here',
    schedule: { every: 60_000 },
    data: z.object({}).default({}),
    run: async () => closeExpiredOrders(),
  }),
];
