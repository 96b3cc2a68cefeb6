'use strict';

/** Unbound keys keep their running clock (status 'unused', expires_at set): the expiry job finds them through this index. */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(
      `CREATE INDEX card_keys_unbound_expiry_idx ON card_keys (expires_at) WHERE status = 'unused' AND expires_at IS NOT NULL`,
    );
  },
  async down(queryInterface) {
    await queryInterface.sequelize.query('DROP INDEX IF EXISTS card_keys_unbound_expiry_idx');
  },
};
