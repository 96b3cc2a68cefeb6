'use strict';

/**
 * What the stats rollups (issue 13) need:
 * - daily_points_stats.users: distinct mini-program users per day and operation type;
 * - daily_order_stats: paid orders, revenue (元), refunds, active and new mini-program users per
 *   China business day (one row a day; not per operation type, so not in daily_points_stats);
 * - indexes that let one day of each raw table be read by range (card_keys had none by time
 *   alone; purchase_record and meta_order none by created_at / paid_at / refunded_at).
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE daily_points_stats ADD COLUMN users INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE daily_order_stats (
        day DATE PRIMARY KEY,
        paid_orders INTEGER NOT NULL DEFAULT 0,
        revenue NUMERIC(14,2) NOT NULL DEFAULT 0,
        refunded_orders INTEGER NOT NULL DEFAULT 0,
        refunded_amount NUMERIC(14,2) NOT NULL DEFAULT 0,
        active_users INTEGER NOT NULL DEFAULT 0,
        new_users INTEGER NOT NULL DEFAULT 0
      );

      CREATE INDEX daily_card_key_stats_day_idx ON daily_card_key_stats (day);
      CREATE INDEX daily_quota_stats_day_idx ON daily_quota_stats (day);
      CREATE INDEX daily_activity_stats_day_idx ON daily_activity_stats (day);

      CREATE INDEX card_keys_created_idx ON card_keys (created_at);
      CREATE INDEX card_keys_activated_idx ON card_keys (activated_at) WHERE activated_at IS NOT NULL;
      CREATE INDEX card_keys_expires_idx ON card_keys (expires_at) WHERE expires_at IS NOT NULL;
      CREATE INDEX card_keys_disabled_idx ON card_keys (updated_at) WHERE status = 'disabled';
      CREATE INDEX purchase_record_created_idx ON purchase_record (created_at);
      CREATE INDEX meta_order_created_idx ON meta_order (created_at);
      CREATE INDEX meta_order_paid_idx ON meta_order (paid_at) WHERE paid_at IS NOT NULL;
      CREATE INDEX meta_order_refunded_idx ON meta_order (refunded_at) WHERE refunded_at IS NOT NULL;
      CREATE INDEX meta_user_created_idx ON meta_user (created_at);
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP INDEX IF EXISTS meta_user_created_idx;
      DROP INDEX IF EXISTS meta_order_refunded_idx;
      DROP INDEX IF EXISTS meta_order_paid_idx;
      DROP INDEX IF EXISTS meta_order_created_idx;
      DROP INDEX IF EXISTS purchase_record_created_idx;
      DROP INDEX IF EXISTS card_keys_disabled_idx;
      DROP INDEX IF EXISTS card_keys_expires_idx;
      DROP INDEX IF EXISTS card_keys_activated_idx;
      DROP INDEX IF EXISTS card_keys_created_idx;
      DROP INDEX IF EXISTS daily_activity_stats_day_idx;
      DROP INDEX IF EXISTS daily_quota_stats_day_idx;
      DROP INDEX IF EXISTS daily_card_key_stats_day_idx;
      DROP TABLE IF EXISTS daily_order_stats;
      ALTER TABLE daily_points_stats DROP COLUMN IF EXISTS users;
    `);
  },
};
