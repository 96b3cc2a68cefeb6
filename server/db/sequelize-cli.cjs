// Connection settings for sequelize-cli (migrations and seeders). Same defaults as server/config.ts.
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/seahorse';
const settings = { url, dialect: 'postgres', logging: false, migrationStorageTableName: 'sequelize_meta', seederStorage: 'sequelize', seederStorageTableName: 'sequelize_data' };

module.exports = { development: settings, test: settings, production: settings };
