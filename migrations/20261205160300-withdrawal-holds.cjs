'use strict';

/**
 * Abnormal withdrawals held for review, like large transfers: a withdrawal above an
 * amount, above a share of the balance, beyond N a day, or in a burst of quota movements waits as
 * 'pending_review' (its amount frozen) until a super admin decides: 放行 (it goes on to the usual
 * payment review as 'pending'), 拒绝 (unfrozen, 'rejected'), or 部分处理 (part goes on, the rest is
 * unfrozen now; `approved_amount` is that part, strictly between 0 and `amount`).
 * `down` refuses while rows use what the old schema cannot say.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE withdrawals
        ADD COLUMN hold_reason VARCHAR(32) CHECK (hold_reason IS NULL OR hold_reason IN ('amount_threshold', 'balance_share', 'daily_count', 'burst')),
        ADD COLUMN approved_amount NUMERIC(16,2),
        ADD COLUMN hold_reviewer_id INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        ADD COLUMN hold_opinion TEXT,
        ADD COLUMN hold_reviewed_at TIMESTAMPTZ;
      ALTER TABLE withdrawals DROP CONSTRAINT withdrawals_status_check;
      ALTER TABLE withdrawals ADD CONSTRAINT withdrawals_status_check
        CHECK (status IN ('pending_review', 'pending', 'approved', 'rejected', 'cancelled'));
      ALTER TABLE withdrawals ADD CONSTRAINT withdrawals_approved_amount_check
        CHECK (approved_amount IS NULL OR (approved_amount > 0 AND approved_amount < amount));
      ALTER TABLE withdrawals ADD CONSTRAINT withdrawals_held_check
        CHECK (status <> 'pending_review' OR hold_reason IS NOT NULL);
      CREATE INDEX withdrawals_user_day_idx ON withdrawals (user_id, created_at);
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM withdrawals WHERE status = 'pending_review' OR approved_amount IS NOT NULL) THEN
          RAISE EXCEPTION 'withdrawals has held or partly released withdrawals; the previous schema cannot record them';
        END IF;
      END
      $$;
      DROP INDEX IF EXISTS withdrawals_user_day_idx;
      ALTER TABLE withdrawals DROP CONSTRAINT withdrawals_held_check;
      ALTER TABLE withdrawals DROP CONSTRAINT withdrawals_approved_amount_check;
      ALTER TABLE withdrawals DROP CONSTRAINT withdrawals_status_check;
      ALTER TABLE withdrawals ADD CONSTRAINT withdrawals_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled'));
      ALTER TABLE withdrawals
        DROP COLUMN hold_reviewed_at,
        DROP COLUMN hold_opinion,
        DROP COLUMN hold_reviewer_id,
        DROP COLUMN approved_amount,
        DROP COLUMN hold_reason;
    `);
  },
};
