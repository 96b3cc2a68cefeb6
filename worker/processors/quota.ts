import { z } from 'zod';
import { reconcileQuota } from '../../server/services/quota/reconcileQuota.js';
import { defineJob } from '../registry.js';

export const quotaJobs = [
  defineJob({
    name: 'quota:reconcile',
    queue: 'maintenance',
    description: 'Replay every quota ledger against the stored balances; mismatches raise an alert to super admins',
    schedule: { cron: '30 3 * * *' },
    data: z.object({}).default({}),
    // A mismatch is reported (system log alert + notification), not retried: replaying again finds the same thing.
    run: async () => {
      const result = await reconcileQuota();
      return { checkedAccounts: result.checkedAccounts, mismatches: result.mismatches.length, internalMovesNet: result.internalMovesNet };
    },
  }),
];
