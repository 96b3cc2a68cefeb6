'use strict';

/**
 * Announcements and business-notification links.
 * - `announcement_type`: 系统公告 system / 功能更新 feature / 维护通知 maintenance (system notifications only).
 * - `audience_user_ids`: the chosen users when `audience = 'users'` for an announcement.
 * - `link_resource` + `link_record_id`: the record a business notification is about (an admin resource id and a primary key).
 * An announcement is sent once: the dispatcher claims it by setting `sent_at` in the transaction that
 * writes its recipients, so `sent_at IS NULL` means "not sent yet" (scheduled or waiting for the worker).
 * Only rows with event 'announcement' are sent: system notifications written before this had no sender and stay as they are.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE notifications
        ADD COLUMN announcement_type VARCHAR(16) CHECK (announcement_type IS NULL OR announcement_type IN ('system', 'feature', 'maintenance')),
        ADD COLUMN audience_user_ids INTEGER[],
        ADD COLUMN link_resource VARCHAR(64),
        ADD COLUMN link_record_id VARCHAR(64),
        ADD CONSTRAINT notifications_link_check CHECK ((link_resource IS NULL) = (link_record_id IS NULL));
      CREATE INDEX notifications_unsent_idx ON notifications (id) WHERE sent_at IS NULL AND kind = 'system' AND event = 'announcement';
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP INDEX IF EXISTS notifications_unsent_idx;
      ALTER TABLE notifications
        DROP CONSTRAINT notifications_link_check,
        DROP COLUMN link_record_id,
        DROP COLUMN link_resource,
        DROP COLUMN audience_user_ids,
        DROP COLUMN announcement_type;
    `);
  },
};
