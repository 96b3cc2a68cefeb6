'use strict';

/**
 * What the worker needs to recover after a Redis loss or a killed process, kept in PostgreSQL:
 * - email_messages.status gains 'sending' (an SMTP attempt is under way, claimed and committed before
 *   the call) and 'uncertain' (the process died during that call: the message may have gone out, so
 *   it is not sent again by itself — an operator decides);
 * - meta_order.payment_message_state: the "支付成功" message of a paid order, claimed ('sending')
 *   before the WeChat call and 'sent' / 'refused' / 'skipped' after, so a lost Redis cannot make it
 *   go out twice and the recovery sweep knows which paid orders still wait for theirs;
 * - callback_deliveries.attempt_started_at: set (with the attempt counted) before a POST, cleared
 *   after, so an attempt cut short by a killed process is still one attempt on the record;
 * - card_key_exports: card-key exports were only a Redis status; the row lets the sweep rebuild the
 *   ones whose job was lost, and lets a finished export survive a Redis restart.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE email_messages DROP CONSTRAINT email_messages_status_check;
      ALTER TABLE email_messages ADD CONSTRAINT email_messages_status_check
        CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'outbox', 'uncertain'));

      ALTER TABLE meta_order ADD COLUMN payment_message_state VARCHAR(16)
        CHECK (payment_message_state IN ('sending', 'sent', 'refused', 'skipped'));
      ALTER TABLE meta_order ADD COLUMN payment_message_claimed_at TIMESTAMPTZ;

      ALTER TABLE callback_deliveries ADD COLUMN attempt_started_at TIMESTAMPTZ;

      CREATE TABLE card_key_exports (
        id UUID PRIMARY KEY,
        owner_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        format VARCHAR(8) NOT NULL CHECK (format IN ('csv', 'xlsx')),
        filter JSONB NOT NULL DEFAULT '{}',
        status VARCHAR(16) NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        rows INTEGER NOT NULL DEFAULT 0,
        file TEXT,
        error TEXT,
        builds INTEGER NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX card_key_exports_pending ON card_key_exports (created_at) WHERE status IN ('queued', 'running');
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE card_key_exports;
      ALTER TABLE callback_deliveries DROP COLUMN attempt_started_at;
      ALTER TABLE meta_order DROP COLUMN payment_message_claimed_at;
      ALTER TABLE meta_order DROP COLUMN payment_message_state;
      UPDATE email_messages SET status = 'queued' WHERE status IN ('sending', 'uncertain');
      ALTER TABLE email_messages DROP CONSTRAINT email_messages_status_check;
      ALTER TABLE email_messages ADD CONSTRAINT email_messages_status_check
        CHECK (status IN ('queued', 'sent', 'failed', 'outbox'));
    `);
  },
};
