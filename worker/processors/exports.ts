import { z } from 'zod';
import { exportFilterSchema, runCardKeyExport } from '../../server/services/cardKeys/exportCardKeys.js';
import { defineJob } from '../registry.js';

export const exportJobs = [
  defineJob({
    name: 'exports:card-keys',
    queue: 'exports',
    description: 'Stream the card keys the requester may see (CSV or XLSX) into EXPORT_DIR',
    data: z.object({ exportId: z.string().uuid(), actorId: z.number().int().positive(), format: z.enum(['csv', 'xlsx']), filter: exportFilterSchema }),
    options: { attempts: 2 },
    run: async (data) => {
      const done = await runCardKeyExport(data);
      return { exportId: done.id, rows: done.rows };
    },
  }),
];
