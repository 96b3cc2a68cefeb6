import assert from 'node:assert/strict';
import type AdminJS from 'adminjs';
import type { Model, ModelStatic } from 'sequelize';
import { mountAdminWith } from '../../admin/mount.js';
import { BUILT_IN_ACTIONS } from '../../admin/resources/define.js';
import { inTransaction } from '../../server/db/index.js';
import {
  AdminUser,
  CardKey,
  CardKeyBatch,
  DailyCardKeyStat,
  EmailMessage,
  LoginLog,
  Notification,
  NotificationRecipient,
  Product,
  ProjectApplication,
  ProjectAuthorization,
  QuotaAccount,
  QuotaTransfer,
  Withdrawal,
  allModels,
} from '../../server/models/index.js';
import { RULES, SECRET_FIELDS, can } from '../../server/policies/access.js';
import { createProject } from '../../server/services/projects/createProject.js';
import { applyQuotaChanges } from '../../server/services/quota/ledger.js';
import { createAdminUser, type Role } from '../../server/services/identity/createAdminUser.js';
import { truncateAll } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { AdminClient, isRefused, type ApiBody } from './client.js';
import { chinaDay } from '../../server/services/stats/days.js';
import { statsRollupJob } from '../../server/services/stats/rollup.js';

const PASSWORD = 'Seahorse123';
const api = (resource: string) => `/admin/api/resources/${resource}`;

type Users = Record<'superadmin' | 'agentadmin1' | 'agent1a' | 'agent1b' | 'agentadmin2' | 'agent2a' | 'agent2b', AdminUser>;

/**
 * The RBAC matrix over AdminJS's HTTP API: every resource the AdminJS instance knows × the three
 * roles × list / search / show / edit / delete / bulk delete / every custom action, with filter
 * and searchProperty bypass attempts and direct record URLs. Expected visibility is the README's Roles
 * ground truth written out here (who owns which row), not recomputed from the policy.
 */
describe('admin RBAC matrix (AdminJS HTTP API)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let admin: AdminJS;
  let users: Users;
  const clients: Partial<Record<'superadmin' | 'agentadmin1' | 'agent1a', AdminClient>> = {};

  /** The admin user ids each tested user may see rows of. */
  let allowedOwners: Record<'agentadmin1' | 'agent1a', Set<number>>;
  /** A project nobody is authorized for or has applied to yet. */
  let applyProjectId: number;

  before(async () => {
    await truncateAll();
    const mk = (username: string, role: Role, parentId: number | null = null) =>
      createAdminUser({ username, password: PASSWORD, role, parentId, email: `${username}@example.com` });
    const superadmin = await mk('superadmin', 'super_admin');
    const agentadmin1 = await mk('agentadmin1', 'agent_admin');
    const agentadmin2 = await mk('agentadmin2', 'agent_admin');
    users = {
      superadmin,
      agentadmin1,
      agentadmin2,
      agent1a: await mk('agent1a', 'agent', agentadmin1.id),
      agent1b: await mk('agent1b', 'agent', agentadmin1.id),
      agent2a: await mk('agent2a', 'agent', agentadmin2.id),
      agent2b: await mk('agent2b', 'agent', agentadmin2.id),
    };
    allowedOwners = {
      agentadmin1: new Set([users.agentadmin1.id, users.agent1a.id, users.agent1b.id]),
      agent1a: new Set([users.agent1a.id]),
    };

    const { project } = await createProject(
      { name: 'demo', prices: [{ label: '30d', durationDays: 30, unitPrice: '1.50' }] },
      { id: superadmin.id, role: 'super_admin', parentId: null },
    );
    const { project: otherProject } = await createProject(
      { name: 'demo2', prices: [{ label: '1d', durationDays: 1, unitPrice: '0.50' }] },
      { id: superadmin.id, role: 'super_admin', parentId: null },
    );
    applyProjectId = otherProject.id;
    await Product.create({ name: '10元积分', productType: 1, pointAmount: 100, originalPrice: '10.00', salePrice: '10.00', expireTime: new Date('2099-12-31T00:00:00Z') });
    await inTransaction(async (t) => {
      for (const u of Object.values(users)) {
        if (u.role === 'super_admin') continue;
        await applyQuotaChanges([{ userId: u.id, type: 'system_recharge', balanceDelta: '10000.00', actorId: superadmin.id }], t);
      }
    });
    for (const [from, to, admin2] of [
      [users.agent1a, users.agent1b, users.agentadmin1],
      [users.agent2a, users.agent2b, users.agentadmin2],
    ] as const) {
      await QuotaTransfer.create({ fromUserId: from.id, toUserId: to.id, amount: '5.00', status: 'completed' });
      await Withdrawal.create({ userId: from.id, amount: '3.00', status: 'pending' });
      await ProjectAuthorization.create({ projectId: project.id, agentId: from.id, grantedBy: admin2.id });
      await ProjectApplication.create({ projectId: project.id, agentId: to.id, reason: 'please' });
      const batch = await CardKeyBatch.create({
        projectId: project.id, agentId: from.id, createdBy: from.id, validityLabel: '30d', durationDays: 30,
        unitPrice: '1.50', count: 2, totalCost: '3.00', status: 'completed', progress: 100,
      });
      for (const n of [1, 2]) {
        await CardKey.create({ code: `${from.username.toUpperCase().padEnd(4, 'X').slice(0, 4)}-AAAA-BBBB-${n}${from.id}`.slice(0, 19).padEnd(19, 'Z'), batchId: batch.id, projectId: project.id, agentId: from.id, durationDays: 30 });
      }
      await DailyCardKeyStat.create({ day: '2026-11-21', projectId: project.id, agentId: from.id, generated: 2 });
      await EmailMessage.create({ toAddress: `${from.username}@example.com`, userId: from.id, subject: 'hi', textBody: 'hi', status: 'outbox' });
      const note = await Notification.create({ kind: 'system', title: `to ${from.username}`, body: 'x', audience: 'users' });
      await NotificationRecipient.create({ notificationId: note.id, userId: from.id });
      const adminNote = await Notification.create({ kind: 'system', title: `to ${admin2.username}`, body: 'x', audience: 'users' });
      await NotificationRecipient.create({ notificationId: adminNote.id, userId: admin2.id });
    }

    server = await startTestServer({
      mountAdmin: async (app) => {
        admin = await mountAdminWith(app, { assets: 'dev' });
      },
    });
    for (const name of ['superadmin', 'agentadmin1', 'agent1a'] as const) clients[name] = await AdminClient.login(server.url, name, PASSWORD);
  });

  after(async () => {
    await server?.close();
  });

  const adminResourceIds = () => admin.resources.map((r) => r.id());

  it('has an access rule for every resource AdminJS serves, and every table is a resource', () => {
    const ids = adminResourceIds();
    const missing = ids.filter((id) => !RULES[id]);
    assert.deepEqual(missing, [], `resources without rules in server/policies/access.ts: ${missing.join(', ')}`);
    assert.deepEqual([...ids].sort(), allModels.map((m) => m.tableName).sort());
  });

  it('every action of every resource has a synchronous isAccessible that follows the policy', () => {
    for (const resource of admin.resources) {
      const actions = resource.decorate().actions;
      for (const [name, action] of Object.entries(actions)) {
        for (const role of ['super_admin', 'agent_admin', 'agent'] as const) {
          const currentAdmin = { id: users.agent1a.id, role, parentId: null, email: 'x' };
          const result = action.isAccessible(currentAdmin as never);
          assert.equal(typeof result, 'boolean', `${resource.id()}.${name}: isAccessible must return a boolean, not a Promise`);
          const allowed = can({ id: 1, role, parentId: null }, resource.id(), name);
          // Built-in actions follow the policy exactly; domain actions may narrow it further, never widen it.
          if ((BUILT_IN_ACTIONS as readonly string[]).includes(name)) assert.equal(result, allowed, `${resource.id()}.${name} for ${role}`);
          else if (!allowed) assert.equal(result, false, `${resource.id()}.${name} for ${role} is not in the policy`);
        }
        assert.equal(action.isAccessible(undefined as never), false, `${resource.id()}.${name} without login`);
      }
    }
  });

  /** Rows of `resource` whose owner is outside `allowed` (the rows the user must never reach). */
  async function foreignRows(resourceId: string, allowed: Set<number>, self: AdminUser): Promise<Model[]> {
    const model = allModels.find((m) => m.tableName === resourceId) as unknown as ModelStatic<Model>;
    const rule = RULES[resourceId]!;
    const rows = await model.findAll({ limit: 1000 });
    if (resourceId === 'notifications') {
      const mine = new Set((await NotificationRecipient.findAll({ where: { userId: self.id } })).map((r) => r.notificationId));
      return rows.filter((r) => !mine.has((r as unknown as { id: number }).id));
    }
    if (resourceId === 'notification_recipients') return rows.filter((r) => r.get('userId') !== self.id);
    if (!rule.owner) return can({ id: self.id, role: self.role as Role, parentId: self.parentId }, resourceId, 'list') ? [] : rows;
    return rows.filter((r) => !rule.owner!.some((col) => allowed.has(Number(r.get(col)))));
  }

  function ownerOk(resourceId: string, params: Record<string, unknown>, allowed: Set<number>, self: AdminUser): boolean {
    const rule = RULES[resourceId]!;
    if (resourceId === 'notification_recipients') return params.userId === self.id;
    if (!rule.owner) return true;
    return rule.owner.some((col) => allowed.has(Number(params[col])));
  }

  function assertNoSecrets(resourceId: string, records: Array<{ params: Record<string, unknown> }>): void {
    for (const r of records) {
      for (const secret of SECRET_FIELDS) assert.ok(!(secret in r.params), `${resourceId} leaks ${secret}`);
    }
  }

  for (const who of ['agentadmin1', 'agent1a'] as const) {
    it(`${who}: list, search, filters and searchProperty never reach rows outside the scope`, async () => {
      const c = clients[who]!;
      const self = users[who];
      const allowed = allowedOwners[who];
      const actor = { id: self.id, role: self.role as Role, parentId: self.parentId };
      for (const id of adminResourceIds()) {
        const rule = RULES[id]!;
        const foreign = await foreignRows(id, allowed, self);
        const checks: Array<[string, ApiBody, 'list' | 'search']> = [
          ['list', await c.getJson(`${api(id)}/actions/list?perPage=500`), 'list'],
          ['search', await c.getJson(`${api(id)}/actions/search/?perPage=500`), 'search'],
        ];
        for (const col of rule.owner ?? []) {
          for (const other of [users.agent2a, users.agentadmin2, users.agent1b]) {
            if (allowed.has(other.id)) continue;
            checks.push([`filter ${col}=${other.id}`, await c.getJson(`${api(id)}/actions/list?filters.${col}=${other.id}`), 'list']);
            checks.push([`searchProperty ${col}`, await c.getJson(`${api(id)}/actions/search/${other.id}?searchProperty=${col}`), 'search']);
            checks.push([`search filter ${col}`, await c.getJson(`${api(id)}/actions/search/?filters.${col}=${other.id}`), 'search']);
          }
        }
        for (const [what, res, action] of checks) {
          assert.equal(res.status, 200, `${who} ${id} ${what}: HTTP ${res.status}`);
          if (!can(actor, id, action)) {
            assert.ok(isRefused(res), `${who} ${id} ${what} must be refused: ${JSON.stringify(res.body).slice(0, 200)}`);
            assert.equal(res.body.records?.length ?? 0, 0);
            continue;
          }
          const records = res.body.records ?? [];
          assertNoSecrets(id, records);
          for (const r of records) {
            assert.ok(ownerOk(id, r.params, allowed, self), `${who} ${id} ${what} returned a foreign row ${JSON.stringify(r.params).slice(0, 200)}`);
          }
        }
        const ownRows = rule.owner ? await model(id).count({ where: { [rule.owner[0]!]: [...allowed] } as never }) : 0;
        if (can(actor, id, 'list') && ownRows > 0 && rule.agentAdminScope !== 'self') {
          assert.ok(checks[0]![1].body.records!.length > 0, `${who} sees none of their own ${id} rows`);
        }
        if (can(actor, id, 'list') && foreign.length) {
          const listed = new Set(checks[0]![1].body.records!.map((r) => String(r.id)));
          for (const row of foreign) assert.ok(!listed.has(String(row.get(model(id).primaryKeyAttribute))), `${who} sees a foreign ${id} row`);
        }
      }
    });

    it(`${who}: show, edit, delete, bulk delete and custom actions on another owner's rows are refused (bodies checked)`, async () => {
      const c = clients[who]!;
      const self = users[who];
      const allowed = allowedOwners[who];
      for (const resource of admin.resources) {
        const id = resource.id();
        const foreign = (await foreignRows(id, allowed, self)).slice(0, 3);
        if (!foreign.length) continue;
        const pk = model(id).primaryKeyAttribute;
        const ids = foreign.map((r) => String(r.get(pk)));
        const customRecordActions = Object.values(resource.decorate().actions).filter(
          (a) => !(BUILT_IN_ACTIONS as readonly string[]).includes(a.name) && a.isRecordType(),
        );
        const customBulkActions = Object.values(resource.decorate().actions).filter(
          (a) => !(BUILT_IN_ACTIONS as readonly string[]).includes(a.name) && a.isBulkType(),
        );
        for (const rid of ids) {
          const before = await model(id).findByPk(rid);
          const attempts: Array<[string, ApiBody]> = [
            ['show', await c.getJson(`${api(id)}/records/${rid}/show`)],
            ['edit GET', await c.getJson(`${api(id)}/records/${rid}/edit`)],
            ['edit POST', await c.postJson(`${api(id)}/records/${rid}/edit`, { memo: 'hacked', status: 'frozen', email: 'x@y.z' })],
            ['delete', await c.postJson(`${api(id)}/records/${rid}/delete`, {})],
          ];
          for (const a of customRecordActions) {
            attempts.push([`${a.name} GET`, await c.getJson(`${api(id)}/records/${rid}/${a.name}`)]);
            attempts.push([`${a.name} POST`, await c.postJson(`${api(id)}/records/${rid}/${a.name}`, {})]);
          }
          for (const [what, res] of attempts) {
            assert.equal(res.status, 200, `${who} ${id}/${rid} ${what}: HTTP ${res.status}`);
            assert.ok(isRefused(res), `${who} ${id}/${rid} ${what} must be refused: ${JSON.stringify(res.body).slice(0, 300)}`);
            assert.deepEqual(res.body.record?.params ?? {}, {}, `${who} ${id}/${rid} ${what} leaked the record`);
          }
          const after = await model(id).findByPk(rid);
          assert.deepEqual(after?.toJSON(), before?.toJSON(), `${who} changed foreign ${id}/${rid}`);
        }
        const bulkPaths = [`${api(id)}/bulk/bulkDelete?recordIds=${ids.join(',')}`, ...customBulkActions.map((a) => `${api(id)}/bulk/${a.name}?recordIds=${ids.join(',')}`)];
        for (const path of bulkPaths) {
          for (const res of [await c.getJson(path), await c.postJson(path, {})]) {
            assert.ok(res.status === 200 || res.status === 404, `${who} ${path}: HTTP ${res.status}`);
            assert.equal(res.body.records?.length ?? 0, 0, `${who} ${path} reached foreign rows`);
          }
          assert.equal(await model(id).count({ where: { [pk]: ids } as never }), ids.length, `${who} ${path} deleted foreign rows`);
        }
      }
    });
  }

  for (const who of ['agentadmin1', 'agent1a'] as const) {
    it(`${who}: actions the policy does not give the role are refused on own rows too (resource, record and bulk)`, async () => {
      const c = clients[who]!;
      const self = users[who];
      const actor = { id: self.id, role: self.role as Role, parentId: self.parentId };
      const allowed = allowedOwners[who];
      for (const resource of admin.resources) {
        const id = resource.id();
        const rule = RULES[id]!;
        const pk = model(id).primaryKeyAttribute;
        const own = rule.owner ? await model(id).findOne({ where: { [rule.owner[0]!]: [...allowed] } as never }) : await model(id).findOne();
        for (const action of Object.values(resource.decorate().actions)) {
          if (can(actor, id, action.name)) continue;
          const paths = action.isResourceType()
            ? [`${api(id)}/actions/${action.name}`]
            : own
              ? [action.isBulkType() ? `${api(id)}/bulk/${action.name}?recordIds=${own.get(pk)}` : `${api(id)}/records/${own.get(pk)}/${action.name}`]
              : [];
          for (const path of paths) {
            const before = own ? (await model(id).findByPk(own.get(pk) as string))?.toJSON() : undefined;
            for (const res of [await c.getJson(path), await c.postJson(path, { status: 'approved', amount: '1' })]) {
              assert.ok(res.status === 200 || res.status === 404, `${who} ${path}: HTTP ${res.status}`);
              assert.ok(isRefused(res) || res.status === 404, `${who} ${path} must be refused: ${JSON.stringify(res.body).slice(0, 200)}`);
            }
            if (own) assert.deepEqual((await model(id).findByPk(own.get(pk) as string))?.toJSON(), before, `${who} ${path} changed a row`);
          }
        }
      }
    });
  }

  it('superadmin lists every row of every resource, never a secret', async () => {
    const c = clients.superadmin!;
    for (const id of adminResourceIds()) {
      const res = await c.getJson(`${api(id)}/actions/list?perPage=500`);
      assert.equal(res.status, 200);
      assert.ok(!isRefused(res), `superadmin list ${id}: ${JSON.stringify(res.body.notice)}`);
      assert.equal(res.body.meta!.total, await model(id).count(), `superadmin ${id} total`);
      assertNoSecrets(id, res.body.records!);
    }
  });

  it('agent admins see exactly themselves and their agents; agents only themselves', async () => {
    const names = async (c: AdminClient) =>
      ((await c.getJson(`${api('admin_users')}/actions/list?perPage=100`)).body.records ?? []).map((r) => r.params.username).sort();
    assert.deepEqual(await names(clients.agentadmin1!), ['agent1a', 'agent1b', 'agentadmin1']);
    assert.deepEqual(await names(clients.agent1a!), []); // agents have no user list, only their own record
    const own = await clients.agent1a!.getJson(`${api('admin_users')}/records/${users.agent1a.id}/show`);
    assert.equal(own.body.record!.params.username, 'agent1a');
    assert.ok(!('passwordHash' in own.body.record!.params));
  });

  it('super-admin-only resources stay closed to the other roles', async () => {
    for (const id of ['meta_product', 'meta_promotion', 'rel_product_package', 'banners', 'articles', 'system_configs', 'backups', 'meta_user', 'meta_order', 'meta_auth_key', 'email_messages', 'system_logs', 'api_call_logs']) {
      for (const who of ['agentadmin1', 'agent1a'] as const) {
        const res = await clients[who]!.getJson(`${api(id)}/actions/list`);
        assert.ok(isRefused(res), `${who} may not list ${id}`);
      }
    }
    for (const who of ['agentadmin1', 'agent1a'] as const) {
      const res = await clients[who]!.postJson(`${api('projects')}/actions/new`, { name: 'mine' });
      assert.ok(isRefused(res), `${who} may not create projects`);
    }
  });

  it('secrets cannot be searched or filtered on (no LIKE oracle)', async () => {
    const c = clients.superadmin!;
    const bySearch = await c.getJson(`${api('admin_users')}/actions/search/$2?searchProperty=passwordHash`);
    assert.ok(isRefused(bySearch), JSON.stringify(bySearch.body).slice(0, 200));
    const byFilter = await c.getJson(`${api('admin_users')}/actions/list?filters.passwordHash=$2`);
    assert.ok(isRefused(byFilter));
    const projectSecret = await c.getJson(`${api('projects')}/actions/list?filters.appSecretEnc=a`);
    assert.ok(isRefused(projectSecret));
  });

  it('owner filters are exact: user 1 does not match 10, 11, …', async () => {
    const c = clients.superadmin!;
    const res = await c.getJson(`${api('quota_ledger')}/actions/list?perPage=500&filters.userId=${users.agent1a.id}`);
    assert.ok(res.body.records!.length > 0);
    for (const r of res.body.records!) assert.equal(r.params.userId, users.agent1a.id);
    const junk = await c.getJson(`${api('quota_ledger')}/actions/list?filters.userId=1%25`);
    assert.equal(junk.body.records!.length, 0);
  });

  it('filters on a listed value (status, role, …) are exact: "activ" matches nothing, "active" only active rows', async () => {
    const c = clients.superadmin!;
    const active = await c.getJson(`${api('admin_users')}/actions/list?perPage=500&filters.status=active`);
    assert.ok(active.body.records!.length > 0);
    assert.ok(active.body.records!.every((r) => r.params.status === 'active'));
    for (const partial of ['activ', 'ctive', '%25']) {
      const none = await c.getJson(`${api('admin_users')}/actions/list?filters.status=${partial}`);
      assert.equal(none.status, 200);
      assert.equal(none.body.records!.length, 0, partial);
    }
  });

  it('new/edit force owner columns from the session and drop fields the role may not set', async () => {
    // An agent applying "as" another agent still applies as themself.
    const applied = await clients.agent1a!.postJson(`${api('project_applications')}/actions/new`, {
      projectId: String(applyProjectId),
      agentId: String(users.agent2a.id),
      reason: 'need it',
      status: 'approved',
    });
    assert.equal(applied.body.notice?.type, 'success', JSON.stringify(applied.body).slice(0, 300));
    assert.equal(applied.body.record!.params.agentId, users.agent1a.id);
    assert.equal(applied.body.record!.params.status, 'pending');

    // An agent admin creating a user always creates an agent under themself.
    const created = await clients.agentadmin1!.postJson(`${api('admin_users')}/actions/new`, {
      username: 'agent1c', password: 'Welcome123', role: 'super_admin', parentId: String(users.agentadmin2.id), email: 'agent1c@example.com',
    });
    assert.equal(created.body.notice?.type, 'success', JSON.stringify(created.body).slice(0, 300));
    const agent1c = await AdminUser.findOne({ where: { username: 'agent1c' } });
    assert.equal(agent1c!.role, 'agent');
    assert.equal(agent1c!.parentId, users.agentadmin1.id);
    assert.equal(agent1c!.mustChangePassword, true);
    assert.ok(await QuotaAccount.findByPk(agent1c!.id), 'createAdminUser made the quota account');

    // Granting a project to another admin's agent is refused with a message.
    const grant = await clients.agentadmin1!.postJson(`${api('project_authorizations')}/actions/new`, {
      projectId: String((await ProjectAuthorization.findOne())!.projectId),
      agentId: String(users.agent2b.id),
    });
    assert.equal(grant.status, 200);
    assert.ok(isRefused(grant) || grant.body.record?.errors?.agentId, JSON.stringify(grant.body).slice(0, 300));
    assert.equal(await ProjectAuthorization.count({ where: { agentId: users.agent2b.id } }), 0);

    // An agent editing themself cannot change role, parent or status; a new email waits for its confirmation link.
    const self = await clients.agent1a!.postJson(`${api('admin_users')}/records/${users.agent1a.id}/edit`, {
      role: 'super_admin', parentId: '', status: 'active', email: 'agent1a-new@example.com', currentPassword: PASSWORD,
    });
    assert.equal(self.body.notice?.type, 'success', JSON.stringify(self.body).slice(0, 300));
    const reloaded = await AdminUser.findByPk(users.agent1a.id);
    assert.equal(reloaded!.role, 'agent');
    assert.equal(reloaded!.parentId, users.agentadmin1.id);
    assert.equal(reloaded!.pendingEmail, 'agent1a-new@example.com');

    // Balances never move through a form.
    const balance = await clients.agentadmin1!.postJson(`${api('quota_accounts')}/records/${users.agent1a.id}/edit`, { balance: '999999' });
    assert.ok(isRefused(balance));
    assert.equal((await QuotaAccount.findByPk(users.agent1a.id))!.balance, '10000.00');
  });

  it('bad input gets a clear message, never a 500', async () => {
    const c = clients.superadmin!;
    const bad = await c.postJson(`${api('meta_product')}/actions/new`, { name: 'x', productType: '1', pointAmount: '-5', originalPrice: 'abc', salePrice: '1' });
    assert.equal(bad.status, 200);
    assert.equal(bad.body.notice?.type, 'error', JSON.stringify(bad.body).slice(0, 300));
    const weakPassword = await c.postJson(`${api('admin_users')}/actions/new`, { username: 'zz_user', password: 'short', role: 'agent_admin' });
    assert.equal(weakPassword.body.notice?.type, 'error');
    assert.match(JSON.stringify(weakPassword.body), /密码/);
    for (const path of [
      `${api('meta_order')}/actions/list?filters.userId=not-a-uuid`,
      `${api('quota_ledger')}/actions/list?filters.createdAt~~from=yesterday-ish`,
      `${api('quota_ledger')}/actions/list?sortBy=nope&direction=sideways`,
      `${api('card_keys')}/records/abc/show`,
      `${api('meta_product')}/actions/new`,
      `${api('no_such_table')}/actions/list`,
      `${api('card_keys')}/actions/no_such_action`,
      `${api('meta_order')}/records/not-a-uuid/show`,
      `${api('card_keys')}/bulk/bulkDelete`,
      `${api('card_keys')}/bulk/bulkDelete?recordIds=x,y`,
      `${api('card_keys')}/actions/search/%25?perPage=100000`,
      `${api('card_keys')}/actions/list?page=-3&perPage=abc`,
    ]) {
      const res = await c.get(path);
      assert.ok(res.status < 500, `${path}: HTTP ${res.status}`);
    }
  });

  it('bull-board: super admins only, behind the same session', async () => {
    const asSuper = await clients.superadmin!.get('/admin/queues');
    assert.equal(asSuper.status, 200);
    assert.match(await asSuper.text(), /<html/i);
    const asAgentAdmin = await clients.agentadmin1!.get('/admin/queues/api/queues');
    assert.equal(asAgentAdmin.status, 403);
    const anonymous = await fetch(`${server.url}/admin/queues`, { redirect: 'manual' });
    assert.equal(anonymous.status, 302);
  });

  it('each role lands on its own dashboard with figures in its scope', async () => {
    const c2 = async (c: AdminClient, path: string) => (await c.getJson(path)).body as unknown as { role: string; figures: Array<{ key: string; value: unknown }> };
    const dash = (c: AdminClient) => c2(c, '/admin/api/dashboard');
    const sup = await dash(clients.superadmin!);
    assert.equal(sup.role, 'super_admin');
    const aa = await dash(clients.agentadmin1!);
    assert.equal(aa.role, 'agent_admin');
    assert.equal(aa.figures.find((f) => f.key === 'myAgents')!.value, await AdminUser.count({ where: { parentId: users.agentadmin1.id } }));
    // Card-key figures come from the rollups: the fixture's rollup row (2 keys on 2026-11-21) at once,
    // the 2 raw keys generated today once today is rolled up.
    const since = async () =>
      (await c2(clients.agent1a!, `/admin/api/dashboard?range=day&from=2026-11-21&to=${chinaDay()}`)).figures.find((f) => f.key === 'keysGenerated')!.value;
    assert.equal(await since(), 2);
    await statsRollupJob.runNow({});
    assert.equal(await since(), 4);
    const ag = await dash(clients.agent1a!);
    assert.equal(ag.role, 'agent');
    const bad = await clients.agent1a!.getJson('/admin/api/dashboard?range=decade');
    assert.equal(bad.status, 400);
  });

  it('login attempts are logged; refusals are clear; freezing a user ends their session at once', async () => {
    const wrong = await fetch(`${server.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'agent1b', password: 'wrong-password1' }).toString(),
      redirect: 'manual',
    });
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /用户名或密码错误/);
    const last = await LoginLog.findOne({ where: { username: 'agent1b' }, order: [['id', 'DESC']] });
    assert.equal(last!.success, false);
    assert.equal(last!.reason, 'wrong_password');
    assert.equal(last!.ip, '127.0.0.1');

    const agent1b = await AdminClient.login(server.url, 'agent1b', PASSWORD);
    assert.ok((await agent1b.getJson(`${api('quota_ledger')}/actions/list`)).body.records!.length > 0);
    const freeze = await clients.superadmin!.postJson(`${api('admin_users')}/records/${users.agent1b.id}/edit`, { status: 'frozen' });
    assert.equal(freeze.body.notice?.type, 'success', JSON.stringify(freeze.body).slice(0, 300));
    const after = await agent1b.get(`${api('quota_ledger')}/actions/list`);
    assert.equal(after.status, 302, 'a frozen user is sent back to the login page');

    const frozenLogin = await fetch(`${server.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'agent1b', password: PASSWORD }).toString(),
      redirect: 'manual',
    });
    assert.equal(frozenLogin.status, 400);
    assert.match(await frozenLogin.text(), /冻结/);
    assert.equal((await LoginLog.findOne({ where: { username: 'agent1b' }, order: [['id', 'DESC']] }))!.reason, 'frozen');
  });

  it('logout (a POST) ends the session', async () => {
    const c = await AdminClient.login(server.url, 'agentadmin2', PASSWORD);
    assert.equal((await c.get(`${api('quota_ledger')}/actions/list`)).status, 200);
    const out = await c.post('/admin/logout', {});
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/admin/login');
    assert.equal((await c.get(`${api('quota_ledger')}/actions/list`)).status, 302);
  });
});

function model(resourceId: string): ModelStatic<Model> {
  return allModels.find((m) => m.tableName === resourceId) as unknown as ModelStatic<Model>;
}
