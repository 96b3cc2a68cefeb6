import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `projects`. */
export class Project extends Model {
  declare id: number;
  declare name: string;
  declare description: string | null;
  declare version: string | null;
  declare status: string;
  declare kind: string;
  declare pointsPerKey: number | null;
  declare appKey: string;
  declare appSecretEnc: string;
  declare previousSecretEnc: string | null;
  declare previousSecretExpiresAt: Date | null;
  declare signPublicKey: string;
  declare signPrivateKeyEnc: string;
  declare callbackUrl: string | null;
  declare maxUnbinds: number;
  declare unbindCooldownMinutes: number;
  declare shareIpThreshold: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof Project {
    return Project.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(64), allowNull: false },
        description: { type: DataTypes.TEXT },
        version: { type: DataTypes.STRING(32) },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
        kind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'software' },
        pointsPerKey: { type: DataTypes.INTEGER, field: 'points_per_key' },
        appKey: { type: DataTypes.STRING(64), allowNull: false, field: 'app_key' },
        appSecretEnc: { type: DataTypes.TEXT, allowNull: false, field: 'app_secret_enc' },
        previousSecretEnc: { type: DataTypes.TEXT, field: 'previous_secret_enc' },
        previousSecretExpiresAt: { type: DataTypes.DATE, field: 'previous_secret_expires_at' },
        signPublicKey: { type: DataTypes.TEXT, allowNull: false, field: 'sign_public_key' },
        signPrivateKeyEnc: { type: DataTypes.TEXT, allowNull: false, field: 'sign_private_key_enc' },
        callbackUrl: { type: DataTypes.STRING(2048), field: 'callback_url' },
        maxUnbinds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 3, field: 'max_unbinds' },
        unbindCooldownMinutes: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, field: 'unbind_cooldown_minutes' },
        shareIpThreshold: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 5, field: 'share_ip_threshold' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'projects', modelName: 'projects', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
