'use strict';

/**
 * 部分处理 of a held transfer: the super admin lets part of the frozen amount through
 * and returns the rest to the sender. The transfer keeps its original `amount` (what was frozen);
 * `approved_amount` is the part that reached the recipient, set exactly when the status is
 * 'partial', and always strictly between 0 and the amount.
 *
 * `down` refuses while partial transfers exist: the old schema has no honest way to say that only
 * part of a transfer moved.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE quota_transfers ADD COLUMN approved_amount NUMERIC(16,2);
      ALTER TABLE quota_transfers DROP CONSTRAINT quota_transfers_status_check;
      ALTER TABLE quota_transfers ADD CONSTRAINT quota_transfers_status_check
        CHECK (status IN ('completed', 'pending_review', 'rejected', 'partial'));
      ALTER TABLE quota_transfers ADD CONSTRAINT quota_transfers_approved_amount_check
        CHECK ((status = 'partial') = (approved_amount IS NOT NULL)
               AND (approved_amount IS NULL OR (approved_amount > 0 AND approved_amount < amount)));
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM quota_transfers WHERE status = 'partial') THEN
          RAISE EXCEPTION 'quota_transfers has partially approved transfers; the previous schema cannot record them';
        END IF;
      END
      $$;
      ALTER TABLE quota_transfers DROP CONSTRAINT quota_transfers_approved_amount_check;
      ALTER TABLE quota_transfers DROP CONSTRAINT quota_transfers_status_check;
      ALTER TABLE quota_transfers ADD CONSTRAINT quota_transfers_status_check
        CHECK (status IN ('completed', 'pending_review', 'rejected'));
      ALTER TABLE quota_transfers DROP COLUMN approved_amount;
    `);
  },
};
