'use strict';

/**
 * Transaction anomalies cover recharges too: an agent admin's recharge of one of their agents moves
 * quota out of the agent admin's own balance, so a large one, or one of a burst, is held for a super
 * admin's review exactly as a transfer is. It waits as a `quota_transfers` row of kind `recharge`
 * (the amount frozen on the agent admin) and is reviewed with 放行 / 拒绝 / 部分处理.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE quota_transfers ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'transfer' CHECK (kind IN ('transfer', 'recharge'));
    `);
  },
  async down(queryInterface) {
    await queryInterface.sequelize.query(`ALTER TABLE quota_transfers DROP COLUMN kind;`);
  },
};
