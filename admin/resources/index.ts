/**
 * Every table as an AdminJS resource, one file each (`<name>.resource.ts`, a factory built with
 * `defineResource`, which wires the access policy into every action).
 *
 * Adding a domain action (recharge, transfer, generate keys, review…): build it in
 * `admin/actions/<domain>.ts` as a `Record<string, DomainAction>` (a thin caller of a command that
 * calls `authorize()`), and name its verb in the resource's policy, server/policies/<resource>.ts
 * (a verb no policy names is denied to everyone). Then add ONE import line to the resource file
 * and spread it into `actions: { ...cardKeyActions }`. Record/bulk actions only show the record on
 * GET; their handler runs on POST (mark `readOnly: true` for actions that change nothing).
 * Throw AppError (server/errors.ts) for refusals: the user sees its message, never a 500.
 */
import type { ResourceWithOptions } from 'adminjs';
import { adminUsersResource } from './admin-users.resource.js';
import { apiCallLogsResource } from './api-call-logs.resource.js';
import { apiCatalogResource } from './api-catalog.resource.js';
import { apiKeyScopesResource } from './api-key-scopes.resource.js';
import { apiKeysResource } from './api-keys.resource.js';
import { articlesResource } from './articles.resource.js';
import { backupRestoreRequestsResource } from './backup-restore-requests.resource.js';
import { backupsResource } from './backups.resource.js';
import { bannersResource } from './banners.resource.js';
import { callbackDeliveriesResource } from './callback-deliveries.resource.js';
import { cardKeyBatchesResource } from './card-key-batches.resource.js';
import { cardKeyVerificationsResource } from './card-key-verifications.resource.js';
import { cardKeysResource } from './card-keys.resource.js';
import { dailyActivityStatsResource } from './daily-activity-stats.resource.js';
import { dailyCardKeyStatsResource } from './daily-card-key-stats.resource.js';
import { dailyPointsStatsResource } from './daily-points-stats.resource.js';
import { dailyQuotaStatsResource } from './daily-quota-stats.resource.js';
import { emailMessagesResource } from './email-messages.resource.js';
import { emailTokensResource } from './email-tokens.resource.js';
import { logArchivesResource } from './log-archives.resource.js';
import { loginLogsResource } from './login-logs.resource.js';
import { meteringServicesResource } from './metering-services.resource.js';
import { miniUsersResource } from './mini-users.resource.js';
import { notificationRecipientsResource } from './notification-recipients.resource.js';
import { notificationsResource } from './notifications.resource.js';
import { operationLogsResource } from './operation-logs.resource.js';
import { ordersResource } from './orders.resource.js';
import { packagesResource } from './packages.resource.js';
import { pointsLotsResource } from './points-lots.resource.js';
import { productsResource } from './products.resource.js';
import { projectApplicationsResource } from './project-applications.resource.js';
import { projectAuthorizationsResource } from './project-authorizations.resource.js';
import { projectPricesResource } from './project-prices.resource.js';
import { projectsResource } from './projects.resource.js';
import { promotionsResource } from './promotions.resource.js';
import { purchaseRecordsResource } from './purchase-records.resource.js';
import { quotaAccountsResource } from './quota-accounts.resource.js';
import { quotaLedgerResource } from './quota-ledger.resource.js';
import { quotaTransfersResource } from './quota-transfers.resource.js';
import { securityEventsResource } from './security-events.resource.js';
import { systemConfigChangesResource } from './system-config-changes.resource.js';
import { systemConfigsResource } from './system-configs.resource.js';
import { systemLogsResource } from './system-logs.resource.js';
import { wechatPaymentsResource } from './wechat-payments.resource.js';
import { withdrawalsResource } from './withdrawals.resource.js';

export function adminResources(): ResourceWithOptions[] {
  return [
    adminUsersResource(),
    apiCallLogsResource(),
    apiCatalogResource(),
    apiKeyScopesResource(),
    apiKeysResource(),
    articlesResource(),
    backupsResource(),
    backupRestoreRequestsResource(),
    logArchivesResource(),
    bannersResource(),
    callbackDeliveriesResource(),
    cardKeyBatchesResource(),
    cardKeyVerificationsResource(),
    cardKeysResource(),
    dailyActivityStatsResource(),
    dailyCardKeyStatsResource(),
    dailyPointsStatsResource(),
    dailyQuotaStatsResource(),
    emailMessagesResource(),
    emailTokensResource(),
    loginLogsResource(),
    meteringServicesResource(),
    miniUsersResource(),
    notificationRecipientsResource(),
    notificationsResource(),
    operationLogsResource(),
    ordersResource(),
    packagesResource(),
    pointsLotsResource(),
    productsResource(),
    projectApplicationsResource(),
    projectAuthorizationsResource(),
    projectPricesResource(),
    projectsResource(),
    promotionsResource(),
    purchaseRecordsResource(),
    quotaAccountsResource(),
    quotaLedgerResource(),
    quotaTransfersResource(),
    securityEventsResource(),
    systemConfigChangesResource(),
    systemConfigsResource(),
    systemLogsResource(),
    wechatPaymentsResource(),
    withdrawalsResource(),
  ];
}
