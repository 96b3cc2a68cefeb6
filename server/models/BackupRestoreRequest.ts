import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `backup_restore_requests`: a restore asked for by one super admin, decided by another. */
export class BackupRestoreRequest extends Model {
  declare id: number;
  declare backupId: number;
  declare targetDatabase: string;
  declare inPlace: boolean;
  declare reason: string;
  declare status: 'pending' | 'approved' | 'rejected' | 'used';
  declare requestedBy: number;
  declare decidedBy: number | null;
  declare decidedAt: Date | null;
  declare usedAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof BackupRestoreRequest {
    return BackupRestoreRequest.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        backupId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'backups', key: 'id' }, field: 'backup_id' },
        targetDatabase: { type: DataTypes.STRING(63), allowNull: false, field: 'target_database' },
        inPlace: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false, field: 'in_place' },
        reason: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
        requestedBy: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'requested_by' },
        decidedBy: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'decided_by' },
        decidedAt: { type: DataTypes.DATE, field: 'decided_at' },
        usedAt: { type: DataTypes.DATE, field: 'used_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'backup_restore_requests', modelName: 'backup_restore_requests', timestamps: true, underscored: true },
    );
  }
}
