import { z } from 'zod';
import { deliverCallback, requeueStrandedDeliveries } from '../../server/services/cardKeys/events.js';
import { defineJob } from '../registry.js';

export const callbackJobs = [
  defineJob({
    name: 'callbacks:deliver',
    queue: 'callbacks',
    description: "POST one signed card-key event to its project's callback URL (retried with exponential backoff)",
    data: z.object({ deliveryId: z.number().int().positive() }),
    concurrency: 10,
    run: async ({ deliveryId }, { finalAttempt }) => ({ deliveryId, result: await deliverCallback(deliveryId, finalAttempt) }),
  }),
  defineJob({
    name: 'callbacks:requeue',
    queue: 'callbacks',
    description: 'Queue callback deliveries that were committed but never queued (the web process died in between)',
    data: z.object({}),
    schedule: { every: 60_000 },
    run: async () => ({ requeued: await requeueStrandedDeliveries() }),
  }),
];
