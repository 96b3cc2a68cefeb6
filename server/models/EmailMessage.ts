import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `email_messages`. */
export class EmailMessage extends Model {
  declare id: number;
  declare toAddress: string;
  declare userId: number | null;
  declare template: string | null;
  declare subject: string;
  declare textBody: string;
  declare htmlBody: string | null;
  declare status: string;
  declare attempts: number;
  declare lastError: string | null;
  declare messageId: string | null;
  declare sentAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof EmailMessage {
    return EmailMessage.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        toAddress: { type: DataTypes.STRING(254), allowNull: false, field: 'to_address' },
        userId: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        template: { type: DataTypes.STRING(64) },
        subject: { type: DataTypes.STRING(300), allowNull: false },
        textBody: { type: DataTypes.TEXT, allowNull: false, field: 'text_body' },
        htmlBody: { type: DataTypes.TEXT, field: 'html_body' },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'queued' },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lastError: { type: DataTypes.TEXT, field: 'last_error' },
        messageId: { type: DataTypes.STRING(255), field: 'message_id' },
        sentAt: { type: DataTypes.DATE, field: 'sent_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'email_messages', modelName: 'email_messages', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
