'use strict';

/**
 * A card-key batch is created 'generating' (queued for the worker) or 'completed' (generated in the
 * request), then may become 'failed' or 'disabled'. 'pending' was never written by any code path,
 * only allowed by the CHECK and used as the column default; both go, so a batch inserted without a
 * status is refused instead of showing a state nothing handles.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE card_key_batches ALTER COLUMN status DROP DEFAULT;
      ALTER TABLE card_key_batches DROP CONSTRAINT card_key_batches_status_check;
      ALTER TABLE card_key_batches ADD CONSTRAINT card_key_batches_status_check
        CHECK (status IN ('generating', 'completed', 'failed', 'disabled'));
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE card_key_batches DROP CONSTRAINT card_key_batches_status_check;
      ALTER TABLE card_key_batches ADD CONSTRAINT card_key_batches_status_check
        CHECK (status IN ('pending', 'generating', 'completed', 'failed', 'disabled'));
      ALTER TABLE card_key_batches ALTER COLUMN status SET DEFAULT 'pending';
    `);
  },
};
