import { z } from 'zod';
import { ASYNC_BATCH_ATTEMPTS, completeAsyncBatch, failAsyncBatch, resumeStuckBatches } from '../../server/services/cardKeys/generateCardKeys.js';
import { expireDueKeys } from '../../server/services/cardKeys/lifecycle.js';
import { defineJob } from '../registry.js';

export const cardKeyJobs = [
  defineJob({
    name: 'card-keys:generate',
    queue: 'card-keys',
    description: 'Create all keys of a large (already paid) batch in one transaction; refund the batch if it finally fails',
    data: z.object({ batchId: z.number().int().positive() }),
    options: { attempts: ASYNC_BATCH_ATTEMPTS },
    run: async ({ batchId }, { finalAttempt }) => {
      try {
        return { batchId, result: await completeAsyncBatch(batchId) };
      } catch (err) {
        if (finalAttempt) await failAsyncBatch(batchId, (err as Error).message);
        throw err;
      }
    },
  }),
  defineJob({
    name: 'card-keys:expire',
    queue: 'card-keys',
    description: 'Mark card keys past their expiry as expired, drop them from every cache, send expired callbacks',
    schedule: { every: 60_000 },
    data: z.object({}).default({}),
    run: async () => ({ expired: await expireDueKeys() }),
  }),
  defineJob({
    name: 'card-keys:resume-batches',
    queue: 'card-keys',
    description: 'Queue again async batches still generating after 10 minutes (their job was lost)',
    schedule: { every: 5 * 60_000 },
    data: z.object({}).default({}),
    run: async () => ({ requeued: await resumeStuckBatches() }),
  }),
];
