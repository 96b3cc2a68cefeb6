import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `project_applications`. */
export class ProjectApplication extends Model {
  declare id: number;
  declare projectId: number;
  declare agentId: number;
  declare reason: string;
  declare status: string;
  declare reviewerId: number | null;
  declare reviewOpinion: string | null;
  declare reviewedAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof ProjectApplication {
    return ProjectApplication.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        projectId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' }, field: 'project_id' },
        agentId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'agent_id' },
        reason: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
        reviewerId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'reviewer_id' },
        reviewOpinion: { type: DataTypes.TEXT, field: 'review_opinion' },
        reviewedAt: { type: DataTypes.DATE, field: 'reviewed_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'project_applications', modelName: 'project_applications', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
