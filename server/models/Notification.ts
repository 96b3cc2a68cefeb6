import { DataTypes, Model, type Sequelize } from 'sequelize';

/** Table `notifications`. */
export class Notification extends Model {
  declare id: number;
  declare kind: string;
  declare event: string | null;
  declare title: string;
  declare body: string;
  /** The English title and body when the system wrote the notification in both languages (null: `title`/`body` for everyone). */
  declare titleEn: string | null;
  declare bodyEn: string | null;
  declare audience: string;
  declare audienceRole: string | null;
  declare announcementType: 'system' | 'feature' | 'maintenance' | null;
  declare audienceUserIds: number[] | null;
  declare linkResource: string | null;
  declare linkRecordId: string | null;
  declare sendEmail: boolean;
  declare scheduledAt: Date | null;
  declare sentAt: Date | null;
  declare createdBy: number | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): typeof Notification {
    return Notification.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        event: { type: DataTypes.STRING(64) },
        title: { type: DataTypes.STRING(200), allowNull: false },
        body: { type: DataTypes.TEXT, allowNull: false },
        titleEn: { type: DataTypes.STRING(200), field: 'title_en' },
        bodyEn: { type: DataTypes.TEXT, field: 'body_en' },
        audience: { type: DataTypes.STRING(16), allowNull: false },
        audienceRole: { type: DataTypes.STRING(16), field: 'audience_role' },
        announcementType: { type: DataTypes.STRING(16), field: 'announcement_type' },
        audienceUserIds: { type: DataTypes.ARRAY(DataTypes.INTEGER), field: 'audience_user_ids' },
        linkResource: { type: DataTypes.STRING(64), field: 'link_resource' },
        linkRecordId: { type: DataTypes.STRING(64), field: 'link_record_id' },
        sendEmail: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false, field: 'send_email' },
        scheduledAt: { type: DataTypes.DATE, field: 'scheduled_at' },
        sentAt: { type: DataTypes.DATE, field: 'sent_at' },
        createdBy: { type: DataTypes.INTEGER, references: { model: 'admin_users', key: 'id' }, field: 'created_by' },
        createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
        updatedAt: { type: DataTypes.DATE, allowNull: false, field: 'updated_at' },
      },
      { sequelize, tableName: 'notifications', modelName: 'notifications', timestamps: true, createdAt: 'createdAt', updatedAt: 'updatedAt', underscored: true },
    );
  }
}
