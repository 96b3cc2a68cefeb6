'use strict';

/**
 * What the mini-program's pages need from the server (issue 15):
 * - meta_user.payment_reminder: the user's "支付成功提醒" switch (on by default);
 *   the subscribe-message job sends nothing while it is off.
 * - api_call_logs.api_key_id / api_name: which key and API a metering call named, so a user can
 *   see their recent calls, refused ones included (the consume ledger only has allowed ones).
 * - articles.slug: the articles the mini-program opens by name (about = 关于我们,
 *   agreement = 用户协议).
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE meta_user ADD COLUMN payment_reminder BOOLEAN NOT NULL DEFAULT true;

      ALTER TABLE api_call_logs ADD COLUMN api_key_id UUID, ADD COLUMN api_name VARCHAR(100);
      CREATE INDEX api_call_logs_mini_user_idx ON api_call_logs (mini_user_id, created_at DESC) WHERE mini_user_id IS NOT NULL;

      ALTER TABLE articles ADD COLUMN slug VARCHAR(32) CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$');
      CREATE UNIQUE INDEX articles_slug_key ON articles (slug) WHERE slug IS NOT NULL;
    `);
  },

  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE articles DROP COLUMN IF EXISTS slug;
      DROP INDEX IF EXISTS api_call_logs_mini_user_idx;
      ALTER TABLE api_call_logs DROP COLUMN IF EXISTS api_key_id, DROP COLUMN IF EXISTS api_name;
      ALTER TABLE meta_user DROP COLUMN IF EXISTS payment_reminder;
    `);
  },
};
