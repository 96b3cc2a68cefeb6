import assert from 'node:assert/strict';
import type { Model, ModelStatic } from 'sequelize';
import { mountAdminWith } from '../../admin/mount.js';
import {
  AdminUser,
  ApiCatalogEntry,
  Article,
  Banner,
  MeteringService,
  Notification,
  Order,
  Package,
  Product,
  Project,
  ProjectApplication,
  ProjectAuthorization,
  ProjectPrice,
  Promotion,
  allModels,
} from '../../server/models/index.js';
import { RULES, writableFields } from '../../server/policies/access.js';
import { createProject } from '../../server/services/projects/createProject.js';
import { createAnnouncement } from '../../server/services/notifications/index.js';
import { createAdminUser, type Role } from '../../server/services/identity/createAdminUser.js';
import { truncateAll } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { demoPng } from '../support/images.js';
import { AdminClient, isRefused, postMultipart } from './client.js';

function multipart(fields: Fields, files: Record<string, { bytes: Buffer; name: string; type: string }>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [k, file] of Object.entries(files)) f.append(k, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return f;
}

const PASSWORD = 'Seahorse123';
const ROLES: Role[] = ['super_admin', 'agent_admin', 'agent'];
const api = (resource: string) => `/admin/api/resources/${resource}`;

type Fields = Record<string, string>;
interface Ctx {
  users: Record<'superadmin' | 'agentadmin1' | 'agent1a' | 'agent1b', AdminUser>;
  projectId: number;
  otherProjectIds: number[];
  productId: string;
  promotionId: string;
  packageId: string;
  seq: number;
}
/** A form case: what a role posts to `new` (fields), or to `edit` (which row, fields). */
interface FormCase {
  new?: (role: Role, c: Ctx) => Promise<Fields> | Fields;
  edit?: (role: Role, c: Ctx) => Promise<{ id: string | number; fields: Fields }>;
  /** Fields not stored as posted (passwords); checked otherwise or not at all. */
  notStored?: string[];
  /** Fields an `edit` stores under another column (a new email waits in `pendingEmail` until confirmed). */
  editStoredAs?: Record<string, string>;
  /** Files sent with `new` (multipart, as the browser's form does). */
  files?: () => Record<string, { bytes: Buffer; name: string; type: string }>;
}

const SCHEDULED = '2099-01-01T00:00:00.000Z';
const uniq = (c: Ctx, prefix: string) => `${prefix}${++c.seq}`;
const any = async (model: ModelStatic<Model>, where: Record<string, unknown> = {}) => String((await model.findOne({ where, order: [['createdAt', 'DESC']] }))!.get('id'));

/**
 * Every form the access rules offer. A resource whose rule offers `new` or `edit` to some role
 * and that has no case here fails the suite; so does a case whose fields do not all land.
 */
const CASES: Record<string, FormCase> = {
  admin_users: {
    new: (role, c) => ({
      username: uniq(c, 'formuser'),
      password: 'Welcome12345',
      email: `${uniq(c, 'f')}@example.com`,
      ...(role === 'super_admin' && { role: 'agent_admin' }),
    }),
    // An agent edits itself (its own email needs its current password); the admins edit agent1b.
    // A new email is not the email yet: it waits in `pendingEmail` for the link mailed to it
    // (server/services/identity/updateAdminUser.ts).
    edit: async (role, c) => ({
      id: role === 'agent' ? c.users.agent1a.id : c.users.agent1b.id,
      fields: {
        email: `${uniq(c, 'edit')}@example.com`,
        locale: role === 'agent' ? 'en' : 'zh-CN',
        ...(role === 'agent' && { currentPassword: PASSWORD }),
      },
    }),
    editStoredAs: { email: 'pendingEmail' },
    notStored: ['password', 'currentPassword'],
  },
  projects: {
    edit: async (_role, c) => ({ id: c.projectId, fields: { description: uniq(c, 'described '), maxUnbinds: '4' } }),
  },
  project_prices: {
    new: (_role, c) => ({ projectId: String(c.projectId), label: uniq(c, 'd'), durationDays: '7', unitPrice: '2.50', sort: '3' }),
    edit: async (_role, c) => ({ id: await any(ProjectPrice, { projectId: c.projectId }), fields: { unitPrice: '3.25', label: uniq(c, 'p') } }),
  },
  project_authorizations: {
    new: (_role, c) => ({ projectId: String(c.otherProjectIds.shift()), agentId: String(c.users.agent1b.id), expiresAt: '2030-01-01T00:00:00.000Z' }),
    edit: async (_role, c) => ({ id: await any(ProjectAuthorization, { agentId: c.users.agent1b.id, status: 'active' }), fields: { expiresAt: '2031-06-01T00:00:00.000Z' } }),
  },
  project_applications: {
    new: (_role, c) => ({ projectId: String(c.otherProjectIds.shift()), reason: uniq(c, 'reason ') }),
  },
  meta_product: {
    new: (_role, c) => ({ name: uniq(c, '产品'), productType: '1', pointAmount: '500', originalPrice: '60.00', salePrice: '50.00', currency: 'CNY', status: '1', sort: '2', pointsValidityDays: '365' }),
    edit: async (_role, c) => ({ id: c.productId, fields: { salePrice: '9.90', pointAmount: '120', description: uniq(c, 'd') } }),
  },
  meta_promotion: {
    new: (_role, c) => ({
      name: uniq(c, '促销'), promoType: '1', discountRate: '0.85', bonusPoints: '10',
      startTime: '2026-01-01T00:00:00.000Z', endTime: '2099-01-01T00:00:00.000Z', 'applicableProducts.0': c.productId,
    }),
    edit: async (_role, c) => ({ id: c.promotionId, fields: { promoType: '2', minAmount: '100.00', reduceAmount: '15.00', bonusPoints: '0', memo: uniq(c, 'm') } }),
  },
  rel_product_package: {
    new: (_role, c) => ({ name: uniq(c, '套餐'), productId: c.productId, promotionId: c.promotionId, packagePrice: '45.00', totalPoints: '450', isHot: 'true', sort: '1', status: '1' }),
    edit: async (_role, c) => ({ id: c.packageId, fields: { packagePrice: '8.80', totalPoints: '88', isHot: 'false' } }),
  },
  api_catalog: {
    new: (_role, c) => ({ name: uniq(c, 'api'), path: `/v1/${uniq(c, 'p')}`, pointsPerCall: '3', status: '1', description: 'x' }),
    edit: async (_role, c) => ({ id: await any(ApiCatalogEntry), fields: { pointsPerCall: '7', description: uniq(c, 'desc'), serviceStatus: 'maintenance', serviceMessage: uniq(c, '维护 ') } }),
  },
  metering_services: {
    edit: async (_role, c) => ({ id: await any(MeteringService), fields: { name: uniq(c, 'svc') } }),
  },
  banners: {
    new: (_role, c) => ({ title: uniq(c, '横幅'), linkUrl: '/pages/packages/index', sort: '2', status: '1' }),
    edit: async (_role, c) => ({ id: await any(Banner), fields: { title: uniq(c, '横幅'), linkUrl: 'https://example.com/x', sort: '5' } }),
    files: () => ({ imageFile: { bytes: demoPng(), name: 'banner.png', type: 'image/png' } }),
  },
  articles: {
    new: (_role, c) => ({ kind: 'article', title: uniq(c, '文章'), summary: 's', content: 'body', status: 'draft' }),
    edit: async (_role, c) => ({ id: await any(Article), fields: { title: uniq(c, '文章'), content: 'new body' } }),
  },
  // Announcements (server/services/notifications/announcements.ts): scheduled in the future so that
  // nothing is sent and the one edited is still editable (a sent one, or a business notification, is not).
  notifications: {
    new: (_role, c) => ({
      announcementType: 'feature', title: uniq(c, '通知'), body: 'hello', audience: 'role', audienceRole: 'agent',
      sendEmail: 'false', scheduledAt: SCHEDULED,
    }),
    edit: async (_role, c) => {
      const row = await createAnnouncement({
        actor: { id: c.users.superadmin.id, role: 'super_admin', parentId: null },
        input: { announcementType: 'system', title: uniq(c, '通知'), body: 'b', audience: 'all', scheduledAt: SCHEDULED },
      });
      return {
        id: row.id,
        fields: {
          announcementType: 'maintenance', title: uniq(c, '通知'), body: 'edited', audience: 'users', 'audienceUserIds.0': String(c.users.agent1a.id),
          sendEmail: 'true', scheduledAt: '2098-06-01T00:00:00.000Z',
        },
      };
    },
  },
};

function same(stored: unknown, posted: string): boolean {
  if (stored instanceof Date) return stored.getTime() === new Date(posted).getTime();
  if (typeof stored === 'boolean') return String(stored) === posted;
  if (typeof stored === 'number') return stored === Number(posted);
  return String(stored ?? '') === posted;
}

/** Each posted field as it is stored (`a.0` = first element of JSON array `a`). */
function assertLanded(row: Model, fields: Fields, notStored: string[], label: string, storedAs: Record<string, string> = {}): void {
  for (const [key, value] of Object.entries(fields)) {
    const [root, index] = key.split('.');
    if (notStored.includes(root!)) continue;
    const column = storedAs[root!] ?? root!;
    const stored = index === undefined ? row.get(column) : (row.get(column) as unknown[])[Number(index)];
    assert.ok(same(stored, value), `${label}: ${key} posted ${value}, stored ${JSON.stringify(stored)}`);
  }
}

describe('every admin form offered by a rule lands for its roles and is refused to the others (AdminJS HTTP API)', function () {
  this.timeout(180_000);
  let server: TestServer;
  const ctx = { seq: 0 } as Ctx;
  const clients: Partial<Record<Role, AdminClient>> = {};
  const modelOf = (resource: string) => (allModels as readonly ModelStatic<Model>[]).find((m) => m.tableName === resource)!;

  before(async () => {
    await truncateAll();
    const mk = (username: string, role: Role, parentId: number | null = null) =>
      createAdminUser({ username, password: PASSWORD, role, parentId, email: `${username}@example.com` });
    const superadmin = await mk('superadmin', 'super_admin');
    const agentadmin1 = await mk('agentadmin1', 'agent_admin');
    ctx.users = { superadmin, agentadmin1, agent1a: await mk('agent1a', 'agent', agentadmin1.id), agent1b: await mk('agent1b', 'agent', agentadmin1.id) };
    const actor = { id: superadmin.id, role: 'super_admin' as const, parentId: null };
    const { project } = await createProject({ name: 'formdemo', prices: [{ label: '30d', durationDays: 30, unitPrice: '1.50' }] }, actor);
    ctx.projectId = project.id;
    ctx.otherProjectIds = [];
    for (let i = 0; i < 6; i++) ctx.otherProjectIds.push((await createProject({ name: `other${i}`, prices: [{ label: '1d', durationDays: 1, unitPrice: '0.50' }] }, actor)).project.id);
    await ProjectAuthorization.create({ projectId: project.id, agentId: ctx.users.agent1b.id, grantedBy: agentadmin1.id });
    const product = await Product.create({ name: '10元积分', productType: 1, pointAmount: 100, originalPrice: '10.00', salePrice: '10.00', expireTime: new Date('2099-12-31T00:00:00Z') });
    ctx.productId = product.id;
    const promo = await Promotion.create({ name: '双十二', promoType: 1, discountRate: '0.90', startTime: new Date('2026-01-01'), endTime: new Date('2099-01-01') });
    ctx.promotionId = promo.id;
    ctx.packageId = (await Package.create({ name: '基础包', productId: product.id, packagePrice: '10.00', totalPoints: 100, expireTime: new Date('2099-12-31') })).id;
    await ApiCatalogEntry.create({ name: 'ocr', path: '/v1/ocr', pointsPerCall: 2 });
    await MeteringService.create({ name: 'svc0', clientId: 'svc0-client', secretHash: 'x'.repeat(64) });
    await Banner.create({ title: '横幅', imageUrl: '/uploads/banners/none.png', sort: 1 });
    await Article.create({ kind: 'article', title: 'a', content: 'b', status: 'draft' });
    await Notification.create({ kind: 'system', title: 'n', body: 'b', audience: 'all' });
    server = await startTestServer({ mountAdmin: async (app) => void (await mountAdminWith(app, { assets: 'dev' })) });
    clients.super_admin = await AdminClient.login(server.url, 'superadmin', PASSWORD);
    clients.agent_admin = await AdminClient.login(server.url, 'agentadmin1', PASSWORD);
    clients.agent = await AdminClient.login(server.url, 'agent1a', PASSWORD);
  });

  after(async () => {
    await server?.close();
  });

  const offered = Object.entries(RULES).flatMap(([resource, rule]) =>
    (['new', 'edit'] as const).filter((action) => ROLES.some((role) => rule.actions[role]?.includes(action))).map((action) => ({ resource, action })),
  );

  it('the rules offer forms (the walk below is not empty)', () => {
    assert.ok(offered.length >= 15, JSON.stringify(offered));
  });

  for (const { resource, action } of offered) {
    it(`${resource} ${action}: lands for each role the rule allows, refused to the others`, async () => {
      const form = CASES[resource];
      assert.ok(form?.[action], `no form case for ${resource} ${action}: add one to CASES (a form nobody proved may have no writable fields)`);
      const model = modelOf(resource);
      for (const role of ROLES) {
        const allowed = RULES[resource]!.actions[role]?.includes(action) ?? false;
        const actor = { id: 0, role, parentId: null };
        if (allowed) assert.ok(writableFields(actor, resource).length > 0, `${resource}: ${role} may ${action} but has no writable fields`);
        const label = `${resource} ${action} as ${role}`;
        if (action === 'new') {
          const fields = await form.new!(role, ctx);
          const before = await model.count();
          const res = form.files ? await postMultipart(clients[role]!, server.url, `${api(resource)}/actions/new`, multipart(fields, form.files())) : await clients[role]!.postJson(`${api(resource)}/actions/new`, fields);
          if (!allowed) {
            assert.ok(isRefused(res), `${label} must be refused: ${JSON.stringify(res.body).slice(0, 300)}`);
            assert.equal(await model.count(), before, `${label}: nothing written`);
            continue;
          }
          assert.equal(res.body.notice?.type, 'success', `${label}: ${JSON.stringify(res.body).slice(0, 400)}`);
          const id = res.body.record?.id ?? res.body.record?.params.id;
          const row = await model.findByPk(String(id));
          assert.ok(row, `${label}: created row ${String(id)} not found`);
          assertLanded(row, fields, form.notStored ?? [], label);
        } else {
          const { id, fields } = await form.edit!(role, ctx);
          const before = JSON.stringify((await model.findByPk(String(id)))!.toJSON());
          const res = await clients[role]!.postJson(`${api(resource)}/records/${id}/edit`, fields);
          const row = (await model.findByPk(String(id)))!;
          if (!allowed) {
            assert.ok(isRefused(res), `${label} must be refused: ${JSON.stringify(res.body).slice(0, 300)}`);
            assert.equal(JSON.stringify(row.toJSON()), before, `${label}: nothing changed`);
            continue;
          }
          assert.equal(res.body.notice?.type, 'success', `${label}: ${JSON.stringify(res.body).slice(0, 400)}`);
          assertLanded(row, fields, form.notStored ?? [], label, form.editStoredAs);
        }
      }
    });
  }

  it('catalog changes are audited with before/after and show on /api/packages at once', async () => {
    const { OperationLog } = await import('../../server/models/index.js');
    const c = clients.super_admin!;
    const created = await c.postJson(`${api('rel_product_package')}/actions/new`, { name: '即时可见', productId: ctx.productId, packagePrice: '19.90', totalPoints: '200' });
    assert.equal(created.body.notice?.type, 'success', JSON.stringify(created.body).slice(0, 300));
    const id = String(created.body.record!.params.id);
    const listed = async () => ((await (await fetch(`${server.url}/api/packages`)).json()) as { data: Array<{ id: string; price: string; name: string }> }).data;
    assert.equal((await listed()).find((p) => p.id === id)?.price, '19.90');
    const edited = await c.postJson(`${api('rel_product_package')}/records/${id}/edit`, { packagePrice: '17.50' });
    assert.equal(edited.body.notice?.type, 'success');
    assert.equal((await listed()).find((p) => p.id === id)?.price, '17.50');
    const log = await OperationLog.findOne({ where: { resource: 'rel_product_package', recordId: id, action: 'catalog.package.update' } });
    assert.equal((log!.before as { packagePrice: string }).packagePrice, '19.90');
    assert.equal((log!.after as { packagePrice: string }).packagePrice, '17.50');
    assert.equal(log!.actorId, ctx.users.superadmin.id);
    const off = await c.postJson(`${api('rel_product_package')}/records/${id}/takeOffSale`, {});
    assert.equal(off.body.notice?.type, 'success', JSON.stringify(off.body).slice(0, 300));
    assert.equal((await listed()).find((p) => p.id === id), undefined, 'taken off sale: gone from /api/packages');
  });

  it('refuses bad catalog input with a message in the admin language, never a 500', async () => {
    const c = clients.super_admin!;
    const cases: Array<[string, Fields, RegExp]> = [
      ['meta_product', { name: 'x', pointAmount: '100', salePrice: '10.999' }, /两位小数/],
      ['meta_product', { name: 'x', pointAmount: '1.5', salePrice: '10' }, /正整数/],
      ['meta_product', { name: 'x', pointAmount: '100', salePrice: '0' }, /大于 0/],
      ['meta_promotion', { name: 'p', promoType: '1', discountRate: '1.2', startTime: '2026-01-01', endTime: '2027-01-01' }, /折扣率/],
      ['meta_promotion', { name: 'p', promoType: '1', discountRate: '0', startTime: '2026-01-01', endTime: '2027-01-01' }, /折扣率/],
      ['meta_promotion', { name: 'p', promoType: '1', discountRate: '0.8', startTime: '2027-01-01', endTime: '2026-01-01' }, /结束时间必须晚于开始时间/],
      ['meta_promotion', { name: 'p', promoType: '2', minAmount: '50', reduceAmount: '60', startTime: '2026-01-01', endTime: '2027-01-01' }, /减免金额必须小于满减门槛/],
      ['meta_promotion', { name: 'p', promoType: '2', minAmount: '50', startTime: '2026-01-01', endTime: '2027-01-01' }, /减免金额或赠送积分/],
      ['meta_promotion', { name: 'p', promoType: '1', discountRate: '0.8', startTime: '2026-01-01', endTime: '2027-01-01', 'applicableProducts.0': '00000000-0000-4000-8000-000000000000' }, /不存在/],
      ['rel_product_package', { name: 'k', productId: '00000000-0000-4000-8000-000000000000', packagePrice: '1', totalPoints: '1' }, /商品不存在/],
      ['rel_product_package', { name: 'k', productId: ctx.productId, promotionId: '00000000-0000-4000-8000-000000000000', packagePrice: '1', totalPoints: '1' }, /促销不存在/],
      ['rel_product_package', { name: 'k', productId: ctx.productId, packagePrice: '-1', totalPoints: '0' }, /套餐价格/],
    ];
    for (const [resource, fields, message] of cases) {
      const before = await modelOf(resource).count();
      const res = await c.postJson(`${api(resource)}/actions/new`, fields);
      assert.equal(res.status, 200);
      assert.equal(res.body.notice?.type, 'error', `${resource} ${JSON.stringify(fields)}: ${JSON.stringify(res.body).slice(0, 300)}`);
      assert.match(res.body.notice!.message, message);
      assert.equal(await modelOf(resource).count(), before);
    }
  });

  it('deleting a product, promotion or package that orders refer to is refused (take it off sale instead)', async () => {
    const c = clients.super_admin!;
    const product = await Product.create({ name: '被引用', productType: 1, pointAmount: 10, originalPrice: '1.00', salePrice: '1.00', expireTime: new Date('2099-01-01') });
    const promo = await Promotion.create({ name: '被引用促销', promoType: 1, discountRate: '0.50', startTime: new Date('2026-01-01'), endTime: new Date('2099-01-01') });
    const pkg = await Package.create({ name: '被引用套餐', productId: product.id, promotionId: promo.id, packagePrice: '1.00', totalPoints: 10, expireTime: new Date('2099-01-01') });
    const { MiniUser } = await import('../../server/models/index.js');
    const user = await MiniUser.create({ openid: `o-${Date.now()}` });
    await Order.create({
      orderNo: `T${Date.now()}`, userId: user.get('id') as string, productId: product.id, packageId: pkg.id, promotionId: promo.id,
      originalAmount: '1.00', discountAmount: '0.00', totalAmount: '1.00', points: 10, bonusPoints: 0, paymentStatus: 0, expiresAt: new Date(Date.now() + 3600_000),
    });
    for (const [resource, id, message] of [
      ['rel_product_package', pkg.id, /下架/],
      ['meta_product', product.id, /下架/],
      ['meta_promotion', promo.id, /下架/],
    ] as const) {
      const res = await c.postJson(`${api(resource)}/records/${id}/delete`, {});
      assert.equal(res.body.notice?.type, 'error', JSON.stringify(res.body).slice(0, 300));
      assert.match(res.body.notice!.message, message);
      assert.ok(await modelOf(resource).findByPk(id), `${resource} still there`);
    }
    // Unreferenced rows are deleted, with an audit row.
    const loose = await Product.create({ name: '可删', productType: 1, pointAmount: 10, originalPrice: '1.00', salePrice: '1.00', expireTime: new Date('2099-01-01') });
    const del = await c.postJson(`${api('meta_product')}/records/${loose.id}/delete`, {});
    assert.equal(del.body.notice?.type, 'success', JSON.stringify(del.body).slice(0, 300));
    assert.equal(await Product.findByPk(loose.id), null);
  });
});
