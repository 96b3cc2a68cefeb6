import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `project_prices`. */
export class ProjectPrice extends Model {
  declare id: number;
  declare projectId: number;
  declare label: string;
  declare durationDays: number | null;
  declare unitPrice: string;
  declare sort: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof ProjectPrice {
    return ProjectPrice.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        projectId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'projects', key: 'id' }, field: 'project_id' },
        label: { type: DataTypes.STRING(32), allowNull: false },
        durationDays: { type: DataTypes.INTEGER, field: 'duration_days' },
        unitPrice: { type: DataTypes.DECIMAL(16, 2), allowNull: false, field: 'unit_price' },
        sort: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'project_prices', modelName: 'project_prices', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
