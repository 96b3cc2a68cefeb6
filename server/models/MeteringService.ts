import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `metering_services`. */
export class MeteringService extends Model {
  declare id: number;
  declare name: string;
  declare clientId: string;
  declare secretHash: string;
  declare status: number;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof MeteringService {
    return MeteringService.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(64), allowNull: false },
        clientId: { type: DataTypes.STRING(64), allowNull: false, field: 'client_id' },
        secretHash: { type: DataTypes.CHAR(64), allowNull: false, field: 'secret_hash' },
        status: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 1 },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'metering_services', modelName: 'metering_services', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
