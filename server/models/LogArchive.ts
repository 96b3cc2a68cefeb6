import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `log_archives`: one compressed, encrypted JSONL file of one log table's month. */
export class LogArchive extends Model {
  declare id: number;
  declare tableName: string;
  declare month: string;
  declare rowCount: number;
  declare firstId: number | null;
  declare lastId: number | null;
  declare fileName: string;
  declare sizeBytes: number;
  declare sha256: string;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof LogArchive {
    return LogArchive.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        tableName: { type: DataTypes.STRING(64), allowNull: false, field: 'table_name' },
        month: { type: DataTypes.DATEONLY, allowNull: false },
        rowCount: { type: DataTypes.INTEGER, allowNull: false, field: 'row_count' },
        firstId: { type: DataTypes.BIGINT, field: 'first_id' },
        lastId: { type: DataTypes.BIGINT, field: 'last_id' },
        fileName: { type: DataTypes.STRING(255), allowNull: false, field: 'file_name' },
        sizeBytes: { type: DataTypes.BIGINT, allowNull: false, field: 'size_bytes' },
        sha256: { type: DataTypes.CHAR(64), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'log_archives', modelName: 'log_archives', timestamps: true, updatedAt: false, underscored: true },
    );
  }
}
