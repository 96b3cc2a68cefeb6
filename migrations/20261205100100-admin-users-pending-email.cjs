'use strict';

/**
 * Issue 11 item 7: a new account email takes effect only once the link mailed to it is followed.
 * Until then it waits in admin_users.pending_email; the link is an email token of purpose change_email.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE admin_users ADD COLUMN pending_email VARCHAR(254);
      ALTER TABLE email_tokens DROP CONSTRAINT IF EXISTS email_tokens_purpose_check;
      ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
        CHECK (purpose IN ('verify_email', 'reset_password', 'set_password', 'change_email'));
    `);
  },
  async down(queryInterface) {
    await queryInterface.sequelize.query(`
      DELETE FROM email_tokens WHERE purpose = 'change_email';
      ALTER TABLE email_tokens DROP CONSTRAINT IF EXISTS email_tokens_purpose_check;
      ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
        CHECK (purpose IN ('verify_email', 'reset_password', 'set_password'));
      ALTER TABLE admin_users DROP COLUMN pending_email;
    `);
  },
};
