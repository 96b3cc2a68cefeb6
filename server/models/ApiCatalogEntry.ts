import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `api_catalog`. */
export class ApiCatalogEntry extends Model {
  declare id: number;
  declare name: string;
  declare path: string;
  declare pointsPerCall: number;
  declare status: number;
  declare description: string | null;
  /** What the super admin says about the API (the home page's service status). */
  declare serviceStatus: 'normal' | 'degraded' | 'maintenance';
  declare serviceMessage: string | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof ApiCatalogEntry {
    return ApiCatalogEntry.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(64), allowNull: false },
        path: { type: DataTypes.STRING(255), allowNull: false },
        pointsPerCall: { type: DataTypes.INTEGER, allowNull: false, field: 'points_per_call' },
        status: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 1 },
        description: { type: DataTypes.TEXT },
        serviceStatus: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'normal', field: 'service_status' },
        serviceMessage: { type: DataTypes.STRING(500), field: 'service_message' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'api_catalog', modelName: 'api_catalog', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
