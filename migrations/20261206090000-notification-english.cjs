'use strict';

/**
 * One language on screen: a business notification (a transfer received, a withdrawal reviewed, a
 * lock, a fault …) is written by the system in both languages. `title`/`body` keep the Chinese
 * text (and an announcement's own text, written by a person in one language); `title_en`/`body_en`
 * hold the English one when the system wrote it, so each reader's inbox and email use their language.
 */
module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(`
      ALTER TABLE notifications ADD COLUMN title_en VARCHAR(200), ADD COLUMN body_en TEXT;
    `);
  },
  async down(queryInterface) {
    await queryInterface.sequelize.query(`ALTER TABLE notifications DROP COLUMN title_en, DROP COLUMN body_en;`);
  },
};
