import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `project_authorizations`. */
export class ProjectAuthorization extends Model {
  declare id: number;
  declare projectId: number;
  declare agentId: number;
  declare grantedBy: number | null;
  declare status: string;
  declare expiresAt: Date | null;
  declare expiryNotifiedAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof ProjectAuthorization {
    return ProjectAuthorization.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        projectId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' }, field: 'project_id' },
        agentId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'agent_id' },
        grantedBy: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'granted_by' },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
        expiresAt: { type: DataTypes.DATE, field: 'expires_at' },
        expiryNotifiedAt: { type: DataTypes.DATE, field: 'expiry_notified_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'project_authorizations', modelName: 'project_authorizations', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
