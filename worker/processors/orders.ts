import { z } from 'zod';
import { syncPromotionStatuses } from '../../server/services/catalog/index.js';
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
  defineJob({
    name: 'catalog:promotion-status',
    queue: 'maintenance',
    description: 'Keep each promotion status (0 not started / 1 running / 2 ended) equal to its time window',
    schedule: { every: 60_000 },
    data: z.object({}).default({}),
    run: async () => ({ changed: await syncPromotionStatuses() }),
  }),
];
