import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `api_key_scopes`. */
export class ApiKeyScope extends Model {
  declare apiKeyId: string;
  declare apiId: number;

  static initModel(sequelize: Sequelize): typeof ApiKeyScope {
    return ApiKeyScope.init(
      {
        apiKeyId: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4, references: { model: 'meta_auth_key', key: 'id' }, field: 'api_key_id' },
        apiId: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'api_catalog', key: 'id' }, field: 'api_id' },
      },
      { sequelize, tableName: 'api_key_scopes', modelName: 'api_key_scopes', timestamps: false },
    );
  }
}
