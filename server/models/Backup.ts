import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `backups`. */
export class Backup extends Model {
  declare id: number;
  declare fileName: string;
  declare kind: string;
  declare status: string;
  declare sizeBytes: number | null;
  declare sha256: string | null;
  declare error: string | null;
  declare verifiedAt: Date | null;
  declare createdBy: number | null;
  /** While running: `dumping` or `verifying`, with the encrypted bytes written so far. */
  declare phase: string | null;
  declare progressBytes: number | null;
  declare tableCount: number | null;
  declare deletedAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof Backup {
    return Backup.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        fileName: { type: DataTypes.STRING(255), allowNull: false, field: 'file_name' },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'running' },
        sizeBytes: { type: DataTypes.BIGINT, field: 'size_bytes' },
        sha256: { type: DataTypes.CHAR(64) },
        error: { type: DataTypes.TEXT },
        verifiedAt: { type: DataTypes.DATE, field: 'verified_at' },
        createdBy: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'created_by' },
        phase: { type: DataTypes.STRING(16) },
        progressBytes: { type: DataTypes.BIGINT, field: 'progress_bytes' },
        tableCount: { type: DataTypes.INTEGER, field: 'table_count' },
        deletedAt: { type: DataTypes.DATE, field: 'deleted_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'backups', modelName: 'backups', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
