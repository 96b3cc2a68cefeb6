import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `admin_users`. */
export class AdminUser extends Model {
  declare id: number;
  declare username: string;
  declare email: string | null;
  /** A new address waiting for its confirmation link (change_email token); `email` changes only then. */
  declare pendingEmail: string | null;
  declare passwordHash: string;
  declare role: string;
  declare parentId: number | null;
  declare status: string;
  declare mustChangePassword: boolean;
  declare failedLoginCount: number;
  declare lockedUntil: Date | null;
  declare emailVerifiedAt: Date | null;
  declare lastLoginAt: Date | null;
  declare lastLoginIp: string | null;
  declare passwordChangedAt: Date | null;
  declare locale: string;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof AdminUser {
    return AdminUser.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(32), allowNull: false },
        email: { type: DataTypes.STRING(254) },
        pendingEmail: { type: DataTypes.STRING(254), field: 'pending_email' },
        passwordHash: { type: DataTypes.TEXT, allowNull: false, field: 'password_hash' },
        role: { type: DataTypes.STRING(16), allowNull: false },
        parentId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'parent_id' },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
        mustChangePassword: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false, field: 'must_change_password' },
        failedLoginCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'failed_login_count' },
        lockedUntil: { type: DataTypes.DATE, field: 'locked_until' },
        emailVerifiedAt: { type: DataTypes.DATE, field: 'email_verified_at' },
        lastLoginAt: { type: DataTypes.DATE, field: 'last_login_at' },
        lastLoginIp: { type: DataTypes.STRING(64), field: 'last_login_ip' },
        passwordChangedAt: { type: DataTypes.DATE, field: 'password_changed_at' },
        locale: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'zh-CN' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'admin_users', modelName: 'admin_users', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
