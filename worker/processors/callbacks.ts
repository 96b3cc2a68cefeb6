import { z } from 'zod';
import { deliverCallback } from '../../server/services/cardKeys/events.js';
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
];
