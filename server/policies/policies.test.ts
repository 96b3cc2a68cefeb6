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
import { buildProgram } from '../cli/program.js';
import { CLI_POLICY, authorizeCommand } from '../cli/policy.js';
import { ApiKey, MiniUser, Order, Product } from '../models/index.js';
import { miniRoutes } from '../routes/api/mini.js';
import { deleteApiKeys, updateApiKey } from '../services/apiKeys/changeApiKeys.js';
import { setApiKeyAccess } from '../services/apiKeys/changeApiKeyAccess.js';
import { createApiKey } from '../services/apiKeys/createApiKey.js';
import { cancelOrder, getOrder, getOrderStatus, payOrder } from '../services/orders/index.js';
import { miniUserActor, SYSTEM_ACTOR, type Actor } from './actor.js';
import { can, POLICIES, policyVerbs, type PolicyActor } from './index.js';

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

  /** Verbs the mini-program API routes name (their `policy`) and the v1 API-key router's `allowed(…)`. */
  const routeVerbs = new Set([
    ...miniRoutes.filter((r) => r.policy).map((r) => `${r.policy!.resource}.${r.policy!.verb}`),
    ...['listOwn', 'view', 'createKey', 'manage'].map((v) => `meta_auth_key.${v}`),
  ]);
  const cliVerbs = new Set(Object.values(CLI_POLICY).map((p) => `${p.resource}.${p.verb}`));

  it('every verb a policy names is run by a command above, an admin action, an API route or a CLI command; every admin domain action has a policy', () => {
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
        assert.ok(commandVerbs.has(key) || actionVerbs.has(key) || routeVerbs.has(key) || cliVerbs.has(key), `${key}: a policy verb nothing uses`);
      }
    }
  });

  it('"only super admins review transfers" is written once: the policy', async () => {
    await assert.rejects(reviewTransfer({ actor: users.agent_admin, transferId: 1, decision: 'approve' }), /只有超级管理员可以审核转账/);
  });
});

/**
 * The mini-program API asks the same policies, as the `mini_user` actor: every authenticated route
 * names a verb its policy allows that actor and no admin role or the system; the commands that touch
 * one row (an order, an API key) check it is the actor's own and answer "not found" otherwise.
 */
describe('policies: the mini-program user (API routes)', () => {
  let alice: string;
  let bob: string;
  let bobsOrder: string;
  let bobsKey: string;
  const admins: PolicyActor[] = (['super_admin', 'agent_admin', 'agent'] as const).map((role) => ({ id: 1, role, parentId: null }));

  before(async () => {
    db();
    alice = (await MiniUser.create({ openid: `o_pol_a_${randomBytes(4).toString('hex')}` })).id;
    bob = (await MiniUser.create({ openid: `o_pol_b_${randomBytes(4).toString('hex')}` })).id;
    const product = await Product.create({ name: 'pol', productType: 1, pointAmount: 10, originalPrice: '1.00', salePrice: '1.00', expireTime: new Date('2099-01-01') });
    const order = await Order.create({
      orderNo: `POL${Date.now()}${randomBytes(3).toString('hex')}`, userId: bob, productId: product.id, originalAmount: '1.00', discountAmount: '0.00',
      totalAmount: '1.00', points: 10, bonusPoints: 0, paymentStatus: 0, expiresAt: new Date(Date.now() + 3600_000),
    });
    bobsOrder = String(order.id);
    bobsKey = (await createApiKey({ userId: bob }, { name: 'bob', validityMonths: 1 })).id;
  });

  it('every authenticated route names a policy verb the mini_user actor has, and no admin role or the system', () => {
    const authed = miniRoutes.filter((r) => r.auth);
    assert.ok(authed.length >= 14);
    for (const r of authed) {
      assert.ok(r.policy, `${r.method} ${r.path}: no policy`);
      const { verb, resource } = r.policy;
      assert.ok(can(miniUserActor(alice), verb, resource), `${r.method} ${r.path}: mini_user may not ${verb} ${resource}`);
      for (const other of [...admins, SYSTEM_ACTOR]) assert.equal(can(other, verb, resource), false, `${r.method} ${r.path}: ${other.role} may ${verb} ${resource}`);
    }
  });

  it("a mini-program user's own-row rules accept their rows and refuse another user's", () => {
    for (const [verb, resource] of [['view', 'meta_order'], ['pay', 'meta_order'], ['cancel', 'meta_order'], ['manage', 'meta_auth_key'], ['view', 'meta_auth_key']] as const) {
      assert.equal(can(miniUserActor(bob), verb, resource, { userId: bob }), true, `${verb} ${resource} own`);
      assert.equal(can(miniUserActor(alice), verb, resource, { userId: bob }), false, `${verb} ${resource} other`);
    }
    assert.equal(can(miniUserActor(alice), 'editSelf', 'meta_user', { id: alice }), true);
    assert.equal(can(miniUserActor(alice), 'editSelf', 'meta_user', { id: bob }), false);
  });

  const rowCommands: Array<{ name: string; verb: string; resource: string; run: () => Promise<unknown> }> = [
    { name: 'getOrder', verb: 'view', resource: 'meta_order', run: () => getOrder(alice, bobsOrder) },
    { name: 'getOrderStatus', verb: 'view', resource: 'meta_order', run: () => getOrderStatus(alice, bobsOrder) },
    { name: 'payOrder', verb: 'pay', resource: 'meta_order', run: () => payOrder(alice, bobsOrder) },
    { name: 'cancelOrder', verb: 'cancel', resource: 'meta_order', run: () => cancelOrder(alice, bobsOrder) },
    { name: 'updateApiKey', verb: 'manage', resource: 'meta_auth_key', run: () => updateApiKey({ kind: 'mini_user', userId: alice }, bobsKey, { enabled: false }) },
    { name: 'setApiKeysEnabled', verb: 'manage', resource: 'meta_auth_key', run: () => setApiKeysEnabled({ kind: 'mini_user', userId: alice }, [bobsKey], false) },
    { name: 'setApiKeyAccess', verb: 'manage', resource: 'meta_auth_key', run: () => setApiKeyAccess({ kind: 'mini_user', userId: alice }, bobsKey, { scopeAll: true }) },
    { name: 'deleteApiKeys', verb: 'manage', resource: 'meta_auth_key', run: () => deleteApiKeys({ kind: 'mini_user', userId: alice }, [bobsKey]) },
  ];
  for (const c of rowCommands) {
    it(`${c.name} on another user's row is refused by the ${c.resource} policy ("${c.verb}") as not found, and changes nothing`, async () => {
      const before = [(await Order.findByPk(bobsOrder))!.toJSON(), (await ApiKey.findByPk(bobsKey))!.toJSON()];
      await assert.rejects(c.run(), (err: { policy?: unknown; status?: number }) => {
        assert.deepEqual(err.policy, { verb: c.verb, resource: c.resource }, `${c.name}: ${String(err)}`);
        assert.equal(err.status, 404);
        return true;
      });
      const after = [(await Order.findByPk(bobsOrder))!.toJSON(), (await ApiKey.findByPk(bobsKey))!.toJSON()];
      assert.deepEqual(after, before);
    });
  }

  it("the owner's own row passes the same check (getOrder as bob)", async () => {
    assert.equal((await getOrder(bob, bobsOrder)).orderNo, (await Order.findByPk(bobsOrder))!.orderNo);
  });
});

/**
 * The CLI acts as the `system` actor: every command it registers names a verb (cli/policy.ts) that
 * the policies list for `system` and for no admin role or the mini-program user; a command with no
 * verb refuses to run.
 */
describe('policies: the operator CLI (system actor)', () => {
  const others: PolicyActor[] = [...(['super_admin', 'agent_admin', 'agent'] as const).map((role) => ({ id: 1, role, parentId: null })), miniUserActor('1')];

  it('every registered CLI command has a system verb its policy allows, and refuses the other actors', () => {
    const names = buildProgram().commands.map((c) => c.name());
    assert.deepEqual([...names].sort(), Object.keys(CLI_POLICY).sort());
    for (const name of names) {
      const { verb, resource } = CLI_POLICY[name]!;
      assert.equal(can(SYSTEM_ACTOR, verb, resource), true, `${name}: system may not ${verb} ${resource}`);
      for (const other of others) {
        // backups.backupNow is the super admin's too (立即备份 in the admin): the same command.
        if (resource === 'backups' && verb === 'backupNow' && other.role === 'super_admin') continue;
        assert.equal(can(other, verb, resource), false, `${name}: ${other.role} may ${verb} ${resource}`);
      }
      assert.doesNotThrow(() => authorizeCommand(name));
    }
  });

  it('a command that names no verb, or a verb the system lacks, is refused', () => {
    assert.throws(() => authorizeCommand('db:drop-everything'), /names no policy/);
    // The system is no admin: the admin's domain verbs refuse it.
    assert.equal(can(SYSTEM_ACTOR, 'review', 'quota_transfers'), false);
    assert.equal(can(SYSTEM_ACTOR, 'recharge', 'admin_users'), false);
    assert.equal(can(SYSTEM_ACTOR, 'view', 'meta_order', { userId: '0' }), false);
  });
});
