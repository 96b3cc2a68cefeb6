import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `articles`. */
export class Article extends Model {
  declare id: number;
  declare kind: string;
  declare slug: string | null;
  declare title: string;
  declare summary: string | null;
  declare content: string;
  declare status: string;
  declare publishedAt: Date | null;
  declare authorId: number | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof Article {
    return Article.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        kind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'article' },
        slug: { type: DataTypes.STRING(32) },
        title: { type: DataTypes.STRING(200), allowNull: false },
        summary: { type: DataTypes.STRING(500) },
        content: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
        publishedAt: { type: DataTypes.DATE, field: 'published_at' },
        authorId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'author_id' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'articles', modelName: 'articles', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
