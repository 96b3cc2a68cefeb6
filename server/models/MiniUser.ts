import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `meta_user`. */
export class MiniUser extends Model {
  declare id: string;
  declare openid: string;
  declare unionid: string | null;
  declare nickname: string | null;
  declare avatarUrl: string | null;
  declare phone: string | null;
  declare email: string | null;
  declare status: number;
  declare totalPoints: number;
  declare tokenVersion: number;
  declare paymentReminder: boolean;
  declare lastLoginAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof MiniUser {
    return MiniUser.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        openid: { type: DataTypes.STRING(128), allowNull: false },
        unionid: { type: DataTypes.STRING(128) },
        nickname: { type: DataTypes.STRING(64) },
        avatarUrl: { type: DataTypes.STRING(1024), field: 'avatar_url' },
        phone: { type: DataTypes.STRING(32) },
        email: { type: DataTypes.STRING(254) },
        status: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 1 },
        totalPoints: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'total_points' },
        tokenVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'token_version' },
        paymentReminder: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true, field: 'payment_reminder' },
        lastLoginAt: { type: DataTypes.DATE, field: 'last_login_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'meta_user', modelName: 'meta_user', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
