import { QueryTypes, type Sequelize } from 'sequelize';
import { MiniUser } from '../../models/index.js';

/**
 * Users whose `total_points` differs from the sum of their unexpired lots' remainders
 * (or whose last ledger row disagrees with the total). Empty when the books are right; the tests
 * assert it after every change, and it can back a health check. `sequelize`: another database (a restored backup).
 */
export async function findPointsDrift(sequelize: Sequelize = MiniUser.sequelize!): Promise<Array<{ userId: string; total: number; lots: number; ledger: number | null }>> {
  return sequelize.query(
    `SELECT u.id AS "userId", u.total_points AS total,
            COALESCE(l.sum, 0)::int AS lots, r.remaining_points AS ledger
       FROM meta_user u
       LEFT JOIN (SELECT user_id, SUM(remaining) AS sum FROM points_lots WHERE expired_at IS NULL GROUP BY user_id) l
              ON l.user_id = u.id
       LEFT JOIN LATERAL (SELECT remaining_points FROM purchase_record p WHERE p.user_id = u.id
                           ORDER BY seq DESC LIMIT 1) r ON true
      WHERE u.total_points <> COALESCE(l.sum, 0)
         OR (r.remaining_points IS NOT NULL AND r.remaining_points <> u.total_points)`,
    { type: QueryTypes.SELECT },
  );
}
