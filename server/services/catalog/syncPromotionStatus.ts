import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { Promotion } from '../../models/index.js';
import { defineJob } from '../../queues/defineJob.js';

/**
 * Keeps `meta_promotion.status` equal to what its window says (0 not started, 1 running,
 * 2 ended) so the back office shows the truth; pricing itself reads the window.
 */
export async function syncPromotionStatuses(now: Date = new Date()): Promise<number> {
  const rows = await Promotion.sequelize!.query(
    `UPDATE meta_promotion SET status = s.next, updated_at = now()
       FROM (SELECT id, CASE WHEN :now < start_time THEN 0 WHEN :now >= end_time THEN 2 ELSE 1 END AS next FROM meta_promotion) s
      WHERE meta_promotion.id = s.id AND meta_promotion.status <> s.next
      RETURNING meta_promotion.id`,
    { replacements: { now }, type: QueryTypes.SELECT },
  );
  return rows.length;
}

export const promotionStatusJob = defineJob({
  name: 'catalog.promotion-status',
  queue: 'maintenance',
  description: 'Keep each promotion status (0 not started / 1 running / 2 ended) equal to its time window',
  schedule: { every: 60_000 },
  data: z.object({}).default({}),
  run: async () => ({ changed: await syncPromotionStatuses() }),
});
