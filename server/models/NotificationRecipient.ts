import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `notification_recipients`. */
export class NotificationRecipient extends Model {
  declare id: number;
  declare notificationId: number;
  declare userId: number;
  declare readAt: Date | null;
  declare emailedAt: Date | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): typeof NotificationRecipient {
    return NotificationRecipient.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        notificationId: { type: DataTypes.BIGINT, allowNull: false, references: { model: 'notifications', key: 'id' }, field: 'notification_id' },
        userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'admin_users', key: 'id' }, field: 'user_id' },
        readAt: { type: DataTypes.DATE, field: 'read_at' },
        emailedAt: { type: DataTypes.DATE, field: 'emailed_at' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
      },
      { sequelize, tableName: 'notification_recipients', modelName: 'notification_recipients', timestamps: true, createdAt: 'createdAt', updatedAt: false, underscored: true },
    );
  }
}
