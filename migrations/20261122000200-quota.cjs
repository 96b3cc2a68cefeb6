'use strict';

/** The quota economy: one account per admin user, an append-only ledger, transfers and withdrawals. */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      CREATE TABLE quota_accounts (
        user_id INTEGER PRIMARY KEY REFERENCES admin_users(id) ON DELETE RESTRICT,
        balance NUMERIC(16,2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
        frozen NUMERIC(16,2) NOT NULL DEFAULT 0 CHECK (frozen >= 0),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );

      CREATE TABLE quota_ledger (
        id BIGSERIAL PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE RESTRICT,
        type VARCHAR(32) NOT NULL CHECK (type IN (
          'system_recharge', 'recharge_out', 'recharge_in',
          'transfer_freeze', 'transfer_unfreeze', 'transfer_out', 'transfer_in',
          'withdrawal_freeze', 'withdrawal_unfreeze', 'withdrawal_paid',
          'card_key_generation', 'card_key_refund', 'adjustment')),
        balance_delta NUMERIC(16,2) NOT NULL,
        frozen_delta NUMERIC(16,2) NOT NULL DEFAULT 0,
        balance_after NUMERIC(16,2) NOT NULL CHECK (balance_after >= 0),
        frozen_after NUMERIC(16,2) NOT NULL CHECK (frozen_after >= 0),
        reference_type VARCHAR(32),
        reference_id VARCHAR(64),
        counterparty_id INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        actor_id INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        memo TEXT,
        idempotency_key VARCHAR(128) UNIQUE,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK (balance_delta <> 0 OR frozen_delta <> 0)
      );
      CREATE INDEX quota_ledger_user_idx ON quota_ledger (user_id, id);
      CREATE INDEX quota_ledger_created_idx ON quota_ledger (created_at);
      CREATE INDEX quota_ledger_reference_idx ON quota_ledger (reference_type, reference_id);

      CREATE TABLE quota_transfers (
        id BIGSERIAL PRIMARY KEY,
        from_user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE RESTRICT,
        to_user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE RESTRICT,
        amount NUMERIC(16,2) NOT NULL CHECK (amount > 0),
        status VARCHAR(16) NOT NULL CHECK (status IN ('completed', 'pending_review', 'rejected')),
        hold_reason VARCHAR(32),
        memo TEXT,
        reviewer_id INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        review_opinion TEXT,
        reviewed_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CHECK (from_user_id <> to_user_id)
      );
      CREATE INDEX quota_transfers_from_idx ON quota_transfers (from_user_id, created_at DESC);
      CREATE INDEX quota_transfers_to_idx ON quota_transfers (to_user_id, created_at DESC);
      CREATE INDEX quota_transfers_pending_idx ON quota_transfers (created_at) WHERE status = 'pending_review';

      CREATE TABLE withdrawals (
        id BIGSERIAL PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE RESTRICT,
        amount NUMERIC(16,2) NOT NULL CHECK (amount > 0),
        status VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
        account_info TEXT,
        reviewer_id INTEGER REFERENCES admin_users(id) ON DELETE RESTRICT,
        review_opinion TEXT,
        payment_reference VARCHAR(128),
        reviewed_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX withdrawals_user_idx ON withdrawals (user_id, created_at DESC);
      CREATE INDEX withdrawals_pending_idx ON withdrawals (created_at) WHERE status = 'pending';
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DROP TABLE IF EXISTS withdrawals;
      DROP TABLE IF EXISTS quota_transfers;
      DROP TABLE IF EXISTS quota_ledger;
      DROP TABLE IF EXISTS quota_accounts;
    `);
  },
};
