import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `email_tokens`. */
export class EmailToken extends Model {
  declare id: number;
  declare userId: number;
  declare purpose: string;
  declare tokenHash: string;
  declare expiresAt: Date;
  declare usedAt: Date | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof EmailToken {
    return EmailToken.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        purpose: { type: DataTypes.STRING(24), allowNull: false },
        tokenHash: { type: DataTypes.CHAR(64), allowNull: false, field: 'token_hash' },
        expiresAt: { type: DataTypes.DATE, allowNull: false, field: 'expires_at' },
        usedAt: { type: DataTypes.DATE, field: 'used_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'email_tokens', modelName: 'email_tokens', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
