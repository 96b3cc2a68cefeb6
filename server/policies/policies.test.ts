import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { adminResources } from '../../admin/resources/index.js';
import { BUILT_IN_ACTIONS } from '../../admin/resources/define.js';
import { db } from '../db/index.js';
import { setApiKeysEnabled } from '../services/apiKeys/changeApiKeys.js';
import { replayCallback } from '../services/cardKeys/events.js';
import { requestCardKeyExport } from '../services/cardKeys/exportCardKeys.js';
import { generateCardKeys } from '../services/cardKeys/generateCardKeys.js';
import { disableBatch, extendBatch, revokeUnusedKeys, setCardKeysEnabled, unbindCardKey } from '../services/cardKeys/lifecycle.js';
import { freezeUser, unfreezeUser, unlockUser } from '../services/identity/freezeUser.js';
import { registerMeteringService, rotateMeteringServiceSecret, setMeteringServiceEnabled } from '../services/metering/meteringServices.js';
import { setMiniUserStatus } from '../services/miniUsers/setMiniUserStatus.js';
import { adminQueryWechat, adminRefundOrder } from '../services/orders/adminOrders.js';
import { adjustPoints } from '../services/points/adjustPoints.js';
import { applyForProject, grantAuthorization, reviewApplication, revokeAuthorization } from '../services/projects/authorizations.js';
import { createProject } from '../services/projects/createProject.js';
import { rotateProjectSecret, setProjectStatus, updateProject } from '../services/projects/manageProject.js';
import { cancelWithdrawal, rechargeUser, requestWithdrawal, reviewHeldWithdrawal, reviewTransfer, reviewWithdrawal, transferQuota } from '../services/quota/index.js';
import { updateSetting } from '../services/systemConfig/systemConfig.js';
import { openBackupDownload } from '../services/backups/downloadBackup.js';
import { decideRestore, requestRestore } from '../services/backups/restoreRequests.js';
import { deletePackages, deleteProducts, deletePromotions } from '../services/catalog/index.js';
import { deleteBanners } from '../services/content/banners.js';
import { createAnnouncement } from '../services/notifications/announcements.js';
import { createAdminUser, type Role } from '../services/identity/createAdminUser.js';
import type { Actor } from './actor.js';
import { POLICIES, policyVerbs } from './index.js';

/**
 * Every command an admin, the API or the CLI can run asks its resource's policy first. Each row
 * below runs the real command as an actor its policy refuses and checks the refusal came from
 * `authorize()` for that verb and resource (and that nothing ran before it could refuse).
 */
type Command = { name: string; verb: string; resource: string; run: (as: Actor) => Promise<unknown> };

/** Commands without an admin actor: run by the system (worker, webhook, seeders), never by a person. */
export const SYSTEM_ONLY = [
  'handleNotification (WeChat Pay webhook, signature-checked)',
  'syncOrderWithWechat / expireLots / expireDueKeys / syncPromotionStatus / reconcileQuota (jobs)',
  'runCardKeyExport (job: re-reads the requester and scopes the rows to them)',
  'deliverCallback / requeueStrandedDeliveries (jobs)',
  'ensureFirstSuperAdmin / seedDemo (bootstrap)',
  'createProject / updateProject with actor null (seeders and CLI act as the system)',
];

describe('policies: every command authorizes', () => {
  const users: Record<Role, Actor> = {} as Record<Role, Actor>;
  /** A role no policy names: every verb refuses it, so even "everyone" verbs prove they asked. */
  let nobody: Actor;

  before(async () => {
    db();
    for (const role of ['super_admin', 'agent_admin', 'agent'] as const) {
      const u = await createAdminUser({ username: `pol_${role}_${randomBytes(3).toString('hex')}`, password: 'abcd1234', role, email: null });
      users[role] = { id: u.id, role, parentId: null };
    }
    nobody = { id: users.agent.id, role: 'guest' as Role, parentId: null };
  });

  const commands: Command[] = [
    { name: 'rechargeUser', verb: 'recharge', resource: 'admin_users', run: () => rechargeUser({ actor: users.agent, targetUserId: 1, amount: '1' }) },
    { name: 'freezeUser', verb: 'freeze', resource: 'admin_users', run: (actor) => freezeUser(actor, 1) },
    { name: 'unfreezeUser', verb: 'unfreeze', resource: 'admin_users', run: (actor) => unfreezeUser(actor, 1) },
    { name: 'unlockUser', verb: 'unlock', resource: 'admin_users', run: (actor) => unlockUser(actor, 1) },
    { name: 'transferQuota', verb: 'transfer', resource: 'quota_transfers', run: () => transferQuota({ actor: users.super_admin, recipientUsername: 'x', amount: '100' }) },
    { name: 'reviewTransfer', verb: 'review', resource: 'quota_transfers', run: () => reviewTransfer({ actor: users.agent_admin, transferId: 1, decision: 'approve' }) },
    { name: 'requestWithdrawal', verb: 'requestWithdrawal', resource: 'withdrawals', run: () => requestWithdrawal({ actor: users.super_admin, amount: '100', accountInfo: 'x' }) },
    { name: 'reviewWithdrawal', verb: 'review', resource: 'withdrawals', run: () => reviewWithdrawal({ actor: users.agent, withdrawalId: 1, decision: 'reject', opinion: 'x' }) },
    { name: 'cancelWithdrawal', verb: 'cancel', resource: 'withdrawals', run: () => cancelWithdrawal({ actor: users.super_admin, withdrawalId: 1 }) },
    { name: 'generateCardKeys', verb: 'generate', resource: 'card_keys', run: (actor) => generateCardKeys({ actor, agentId: 1, projectId: 1, validityLabel: 'x', count: 1 }) },
    { name: 'requestCardKeyExport', verb: 'export', resource: 'card_keys', run: (actor) => requestCardKeyExport({ actor, format: 'csv', filter: {} }) },
    { name: 'unbindCardKey', verb: 'unbind', resource: 'card_keys', run: (actor) => unbindCardKey({ actor, cardKeyId: 1 }) },
    { name: 'setCardKeysEnabled(false)', verb: 'disable', resource: 'card_keys', run: (actor) => setCardKeysEnabled({ actor, ids: [1], enabled: false }) },
    { name: 'setCardKeysEnabled(true)', verb: 'enable', resource: 'card_keys', run: (actor) => setCardKeysEnabled({ actor, ids: [1], enabled: true }) },
    { name: 'disableBatch', verb: 'disableBatch', resource: 'card_key_batches', run: (actor) => disableBatch({ actor, batchId: 1 }) },
    { name: 'extendBatch', verb: 'extendBatch', resource: 'card_key_batches', run: (actor) => extendBatch({ actor, batchId: 1, days: 1 }) },
    { name: 'revokeUnusedKeys', verb: 'revokeUnused', resource: 'card_key_batches', run: (actor) => revokeUnusedKeys({ actor, batchId: 1 }) },
    { name: 'replayCallback', verb: 'replay', resource: 'callback_deliveries', run: (actor) => replayCallback(actor, 1) },
    { name: 'createProject', verb: 'createProject', resource: 'projects', run: (actor) => createProject({ name: 'x', prices: [] }, actor) },
    { name: 'updateProject', verb: 'update', resource: 'projects', run: (actor) => updateProject(1, {}, actor) },
    { name: 'setProjectStatus', verb: 'update', resource: 'projects', run: (actor) => setProjectStatus(1, 'disabled', actor) },
    { name: 'rotateProjectSecret', verb: 'rotateSecret', resource: 'projects', run: (actor) => rotateProjectSecret(1, actor) },
    { name: 'grantAuthorization', verb: 'grant', resource: 'project_authorizations', run: (actor) => grantAuthorization({ actor, projectId: 1, agentId: 1 }) },
    { name: 'revokeAuthorization', verb: 'revoke', resource: 'project_authorizations', run: (actor) => revokeAuthorization({ actor, authorizationId: 1 }) },
    { name: 'applyForProject', verb: 'apply', resource: 'project_applications', run: (actor) => applyForProject({ actor, projectId: 1, reason: 'x' }) },
    { name: 'reviewApplication', verb: 'review', resource: 'project_applications', run: (actor) => reviewApplication({ actor, applicationId: 1, decision: 'approve' }) },
    { name: 'adminQueryWechat', verb: 'queryWechat', resource: 'meta_order', run: (actor) => adminQueryWechat({ orderId: '1', actor }) },
    { name: 'adminRefundOrder', verb: 'refund', resource: 'meta_order', run: (actor) => adminRefundOrder({ orderId: '1', reason: 'x', actor }) },
    { name: 'setMiniUserStatus(frozen)', verb: 'freeze', resource: 'meta_user', run: (actor) => setMiniUserStatus({ userId: '1', frozen: true, actor }) },
    { name: 'setMiniUserStatus(active)', verb: 'unfreeze', resource: 'meta_user', run: (actor) => setMiniUserStatus({ userId: '1', frozen: false, actor }) },
    { name: 'adjustPoints', verb: 'adjustPoints', resource: 'meta_user', run: (actor) => adjustPoints({ userId: '1', delta: 1, memo: 'x', actor }) },
    { name: 'setApiKeysEnabled (admin)', verb: 'manage', resource: 'meta_auth_key', run: (actor) => setApiKeysEnabled({ kind: 'admin', admin: actor }, ['1'], false) },
    { name: 'registerMeteringService', verb: 'registerService', resource: 'metering_services', run: (actor) => registerMeteringService(actor, { name: 'x' }) },
    { name: 'rotateMeteringServiceSecret', verb: 'rotateSecret', resource: 'metering_services', run: (actor) => rotateMeteringServiceSecret(actor, 1) },
    { name: 'setMeteringServiceEnabled', verb: 'enable', resource: 'metering_services', run: (actor) => setMeteringServiceEnabled(actor, 1, true) },
    { name: 'updateSetting', verb: 'updateSetting', resource: 'system_configs', run: (actor) => updateSetting('basic.site_name', 'x', actor) },
    { name: 'reviewHeldWithdrawal', verb: 'reviewHold', resource: 'withdrawals', run: () => reviewHeldWithdrawal({ actor: users.agent, withdrawalId: 1, decision: 'approve' }) },
    { name: 'deleteProducts', verb: 'manage', resource: 'meta_product', run: (actor) => deleteProducts(actor, ['1']) },
    { name: 'deletePromotions', verb: 'manage', resource: 'meta_promotion', run: (actor) => deletePromotions(actor, ['1']) },
    { name: 'deletePackages', verb: 'manage', resource: 'rel_product_package', run: (actor) => deletePackages(actor, ['1']) },
    { name: 'deleteBanners', verb: 'manage', resource: 'banners', run: (actor) => deleteBanners(actor, [1]) },
    { name: 'createAnnouncement', verb: 'publish', resource: 'notifications', run: (actor) => createAnnouncement({ actor, input: {} }) },
    { name: 'openBackupDownload', verb: 'download', resource: 'backups', run: (actor) => openBackupDownload(actor, { backupId: 1 }) },
    { name: 'requestRestore', verb: 'requestRestore', resource: 'backups', run: (actor) => requestRestore(actor, { backupId: 1, targetDatabase: 'x', reason: 'x' }) },
    { name: 'decideRestore(approve)', verb: 'approve', resource: 'backup_restore_requests', run: (actor) => decideRestore(actor, { requestId: 1, decision: 'approve' }) },
    { name: 'decideRestore(reject)', verb: 'reject', resource: 'backup_restore_requests', run: (actor) => decideRestore(actor, { requestId: 1, decision: 'reject' }) },
  ];

  for (const c of commands) {
    it(`${c.name} asks the ${c.resource} policy for "${c.verb}"`, async () => {
      await assert.rejects(c.run(nobody), (err: { policy?: unknown; status?: number }) => {
        assert.deepEqual(err.policy, { verb: c.verb, resource: c.resource }, `${c.name}: ${String(err)}`);
        assert.equal(err.status, 403);
        return true;
      });
    });
  }

  it('every verb a policy names is run by a command above, an admin action, or both; every admin domain action has a policy', () => {
    const commandVerbs = new Set(commands.map((c) => `${c.resource}.${c.verb}`));
    const actionVerbs = new Set<string>();
    for (const r of adminResources()) {
      for (const name of Object.keys(r.options.actions ?? {})) {
        if ((BUILT_IN_ACTIONS as readonly string[]).includes(name)) continue;
        actionVerbs.add(`${r.options.id}.${name}`);
        assert.ok(policyVerbs(r.options.id!).includes(name), `${r.options.id}.${name}: no policy names this action`);
      }
    }
    for (const p of POLICIES) {
      for (const verb of policyVerbs(p.resource)) {
        const key = `${p.resource}.${verb}`;
        assert.ok(commandVerbs.has(key) || actionVerbs.has(key), `${key}: a policy verb nothing uses`);
      }
    }
  });

  it('"only super admins review transfers" is written once: the policy', async () => {
    await assert.rejects(reviewTransfer({ actor: users.agent_admin, transferId: 1, decision: 'approve' }), /只有超级管理员可以审核转账/);
  });
});
