import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `meta_auth_key`. */
export class ApiKey extends Model {
  declare id: string;
  declare userId: string;
  declare name: string;
  declare keyPrefix: string;
  declare keyHash: string;
  declare status: number;
  declare validityMonths: number;
  declare scopeAll: boolean;
  declare ipWhitelist: unknown;
  declare expiresAt: Date;
  declare lastUsedAt: Date | null;
  declare callsToday: number;
  declare callsDay: string | null;
  declare deletedAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof ApiKey {
    return ApiKey.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        userId: { type: DataTypes.UUID, allowNull: false, references: { model: 'meta_user', key: 'id' }, field: 'user_id' },
        name: { type: DataTypes.STRING(20), allowNull: false },
        keyPrefix: { type: DataTypes.STRING(24), allowNull: false, field: 'key_prefix' },
        keyHash: { type: DataTypes.CHAR(64), allowNull: false, field: 'key_hash' },
        status: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 1 },
        validityMonths: { type: DataTypes.SMALLINT, allowNull: false, field: 'validity_months' },
        scopeAll: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true, field: 'scope_all' },
        ipWhitelist: { type: DataTypes.JSONB, allowNull: false, defaultValue: [], field: 'ip_whitelist' },
        expiresAt: { type: DataTypes.DATE, allowNull: false, field: 'expires_at' },
        lastUsedAt: { type: DataTypes.DATE, field: 'last_used_at' },
        callsToday: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'calls_today' },
        callsDay: { type: DataTypes.DATEONLY, field: 'calls_day' },
        deletedAt: { type: DataTypes.DATE, field: 'deleted_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'meta_auth_key', modelName: 'meta_auth_key', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
