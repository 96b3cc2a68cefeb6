import type { Sequelize } from 'sequelize';
import { AdminUser } from './AdminUser.js';
import { LoginLog } from './LoginLog.js';
import { EmailToken } from './EmailToken.js';
import { QuotaAccount } from './QuotaAccount.js';
import { QuotaLedgerEntry } from './QuotaLedgerEntry.js';
import { QuotaTransfer } from './QuotaTransfer.js';
import { Withdrawal } from './Withdrawal.js';
import { Project } from './Project.js';
import { ProjectPrice } from './ProjectPrice.js';
import { ProjectAuthorization } from './ProjectAuthorization.js';
import { ProjectApplication } from './ProjectApplication.js';
import { CardKeyBatch } from './CardKeyBatch.js';
import { CardKey } from './CardKey.js';
import { CardKeyVerification } from './CardKeyVerification.js';
import { CallbackDelivery } from './CallbackDelivery.js';
import { Product } from './Product.js';
import { Promotion } from './Promotion.js';
import { Package } from './Package.js';
import { MiniUser } from './MiniUser.js';
import { Order } from './Order.js';
import { WechatPayment } from './WechatPayment.js';
import { PointsLot } from './PointsLot.js';
import { ApiCatalogEntry } from './ApiCatalogEntry.js';
import { ApiKey } from './ApiKey.js';
import { ApiKeyScope } from './ApiKeyScope.js';
import { MeteringService } from './MeteringService.js';
import { PurchaseRecord } from './PurchaseRecord.js';
import { Banner } from './Banner.js';
import { Article } from './Article.js';
import { Notification } from './Notification.js';
import { NotificationRecipient } from './NotificationRecipient.js';
import { SystemConfig } from './SystemConfig.js';
import { SystemConfigChange } from './SystemConfigChange.js';
import { OperationLog } from './OperationLog.js';
import { SystemLog } from './SystemLog.js';
import { SecurityEvent } from './SecurityEvent.js';
import { ApiCallLog } from './ApiCallLog.js';
import { EmailMessage } from './EmailMessage.js';
import { Backup } from './Backup.js';
import { BackupRestoreRequest } from './BackupRestoreRequest.js';
import { LogArchive } from './LogArchive.js';
import { DailyCardKeyStat } from './DailyCardKeyStat.js';
import { DailyQuotaStat } from './DailyQuotaStat.js';
import { DailyActivityStat } from './DailyActivityStat.js';
import { DailyPointsStat } from './DailyPointsStat.js';

export {
  AdminUser,
  LoginLog,
  EmailToken,
  QuotaAccount,
  QuotaLedgerEntry,
  QuotaTransfer,
  Withdrawal,
  Project,
  ProjectPrice,
  ProjectAuthorization,
  ProjectApplication,
  CardKeyBatch,
  CardKey,
  CardKeyVerification,
  CallbackDelivery,
  Product,
  Promotion,
  Package,
  MiniUser,
  Order,
  WechatPayment,
  PointsLot,
  ApiCatalogEntry,
  ApiKey,
  ApiKeyScope,
  MeteringService,
  PurchaseRecord,
  Banner,
  Article,
  Notification,
  NotificationRecipient,
  SystemConfig,
  SystemConfigChange,
  OperationLog,
  SystemLog,
  SecurityEvent,
  ApiCallLog,
  EmailMessage,
  Backup,
  BackupRestoreRequest,
  LogArchive,
  DailyCardKeyStat,
  DailyQuotaStat,
  DailyActivityStat,
  DailyPointsStat,
};

/** Every model, in an order that respects foreign keys. */
export const allModels = [
  AdminUser,
  LoginLog,
  EmailToken,
  QuotaAccount,
  QuotaLedgerEntry,
  QuotaTransfer,
  Withdrawal,
  Project,
  ProjectPrice,
  ProjectAuthorization,
  ProjectApplication,
  CardKeyBatch,
  CardKey,
  CardKeyVerification,
  CallbackDelivery,
  Product,
  Promotion,
  Package,
  MiniUser,
  Order,
  WechatPayment,
  PointsLot,
  ApiCatalogEntry,
  ApiKey,
  ApiKeyScope,
  MeteringService,
  PurchaseRecord,
  Banner,
  Article,
  Notification,
  NotificationRecipient,
  SystemConfig,
  SystemConfigChange,
  OperationLog,
  SystemLog,
  SecurityEvent,
  ApiCallLog,
  EmailMessage,
  Backup,
  BackupRestoreRequest,
  LogArchive,
  DailyCardKeyStat,
  DailyQuotaStat,
  DailyActivityStat,
  DailyPointsStat,
] as const;

export function initModels(sequelize: Sequelize): void {
  for (const model of allModels) model.initModel(sequelize);
}
