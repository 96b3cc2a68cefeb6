import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Sequelize } from 'sequelize';
import { config } from '../../config.js';
import { inTransaction } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { NO_EXPIRY } from '../../lib/chinaTime.js';
import {
  AdminUser,
  ApiCatalogEntry,
  Article,
  Banner,
  Package,
  Product,
  Project,
  ProjectAuthorization,
  Promotion,
  QuotaLedgerEntry,
} from '../../models/index.js';
import { fileStore } from '../../lib/fileStore.js';
import { projectRoot } from '../../lib/paths.js';
import type { Actor } from '../../policies/actor.js';
import { checkBannerImage } from '../content/bannerImage.js';
import { createProject } from '../projects/createProject.js';
import { grantAuthorization } from '../projects/authorizations.js';
import { applyQuotaChanges } from '../quota/ledger.js';
import { ensureDefaultSettings } from '../systemConfig/systemConfig.js';
import { createAdminUser, usernameIs, type Role } from '../identity/createAdminUser.js';
import { hashPassword, verifyPassword } from '../identity/password.js';

export const DEFAULT_SEED_PASSWORD = 'Seahorse2026';
const DEMO_QUOTA = '10000';

const DEMO_USERS: Array<{ username: string; role: Role; parent?: string }> = [
  { username: 'superadmin', role: 'super_admin' },
  { username: 'agentadmin1', role: 'agent_admin' },
  { username: 'agentadmin2', role: 'agent_admin' },
  { username: 'agent1a', role: 'agent', parent: 'agentadmin1' },
  { username: 'agent1b', role: 'agent', parent: 'agentadmin1' },
  { username: 'agent2a', role: 'agent', parent: 'agentadmin2' },
  { username: 'agent2b', role: 'agent', parent: 'agentadmin2' },
];

export interface SeedDemoOptions {
  password: string;
  appKey?: string;
  appSecret?: string;
}

export interface SeedDemoReport {
  created: string[];
  /** Set only when the demo project was created now with a generated secret: shown once. */
  project?: { appKey: string; appSecret?: string };
}

const byUsername = (username: string) => AdminUser.findOne({ where: usernameIs(username) });

/** Demo users with the seed password. An existing user keeps its row; only a wrong password is replaced. */
async function seedUsers(password: string, created: string[]): Promise<Map<string, AdminUser>> {
  const users = new Map<string, AdminUser>();
  for (const demo of DEMO_USERS) {
    let user = await byUsername(demo.username);
    if (user && user.role !== demo.role) {
      throw new AppError(409, 2009, 'SEED_CONFLICT', `用户 ${demo.username} 已存在但角色是 ${user.role}（演示数据需要 ${demo.role}）`);
    }
    if (!user) {
      user = await createAdminUser({
        username: demo.username,
        password,
        role: demo.role,
        email: `${demo.username}@demo.seahorse.local`,
        emailVerified: true,
        parentId: demo.parent ? users.get(demo.parent)!.id : null,
      });
      created.push(`user ${demo.username}`);
    } else if (!(await verifyPassword(password, user.passwordHash))) {
      // e.g. the super admin `npm start` created with a generated password: the demo promises SEED_PASSWORD.
      await user.update({ passwordHash: await hashPassword(password), mustChangePassword: false, passwordChangedAt: new Date() });
      created.push(`password of ${demo.username}`);
    }
    users.set(demo.username, user);
  }
  return users;
}

/** 10,000 quota for each agent admin and agent, as system-recharge ledger rows (once per user). */
async function seedQuota(users: Map<string, AdminUser>, created: string[]): Promise<void> {
  const superAdmin = users.get('superadmin')!;
  for (const demo of DEMO_USERS.filter((d) => d.role !== 'super_admin')) {
    const user = users.get(demo.username)!;
    const idempotencyKey = `seed-demo:recharge:${user.id}`;
    await inTransaction(async (t) => {
      if (await QuotaLedgerEntry.findOne({ where: { idempotencyKey }, transaction: t })) return;
      await applyQuotaChanges(
        [{ userId: user.id, type: 'system_recharge', balanceDelta: DEMO_QUOTA, actorId: superAdmin.id, memo: '演示数据初始额度', idempotencyKey }],
        t,
      );
      created.push(`quota ${DEMO_QUOTA} for ${demo.username}`);
    });
  }
}

/** The launch catalog: 10元 = 100 points; 50元 = 600 points (hot); 300元 = 4000 + 200 bonus points. */
async function seedCatalog(created: string[]): Promise<void> {
  const product = async (name: string, pointAmount: number, originalPrice: string, salePrice: string, sort: number) => {
    const [row, isNew] = await Product.findOrCreate({
      where: { name },
      defaults: { name, productType: 1, pointAmount, originalPrice, salePrice, currency: 'CNY', expireTime: NO_EXPIRY, status: 1, sort, description: `${pointAmount} 积分` },
    });
    if (isNew) created.push(`product ${name}`);
    return row;
  };
  const p100 = await product('100积分', 100, '10.00', '10.00', 1);
  const p600 = await product('600积分', 600, '60.00', '50.00', 2);
  const p4000 = await product('4000积分', 4000, '400.00', '300.00', 3);

  const promoName = '大额充值赠送200积分';
  const [bonus, promoNew] = await Promotion.findOrCreate({
    where: { name: promoName },
    defaults: {
      name: promoName,
      promoType: 1,
      discountRate: '1.00',
      bonusPoints: 200,
      startTime: new Date('2026-01-01T00:00:00+08:00'),
      endTime: NO_EXPIRY,
      applicableProducts: [p4000.id],
      status: 1,
      memo: '300元档赠送200积分（种子文档 003）',
    },
  });
  if (promoNew) created.push(`promotion ${promoName}`);

  const packages = [
    { name: '10元 100积分', productId: p100.id, promotionId: null, packagePrice: '10.00', totalPoints: 100, isHot: false, sort: 1, description: '小档' },
    { name: '50元 600积分', productId: p600.id, promotionId: null, packagePrice: '50.00', totalPoints: 600, isHot: true, sort: 2, description: '中档，热销' },
    { name: '300元 4000积分+赠200积分', productId: p4000.id, promotionId: bonus.id, packagePrice: '300.00', totalPoints: 4000, isHot: false, sort: 3, description: '大额档，活动期间另赠 200 积分' },
  ];
  for (const pkg of packages) {
    const [, isNew] = await Package.findOrCreate({ where: { name: pkg.name }, defaults: { ...pkg, expireTime: NO_EXPIRY, status: 1 } });
    if (isNew) created.push(`package ${pkg.name}`);
  }
}

/** Project `demo` with a four-validity price list, authorized to every demo agent. */
async function seedProject(users: Map<string, AdminUser>, options: SeedDemoOptions, created: string[]): Promise<SeedDemoReport['project']> {
  let project = await Project.findOne({ where: Sequelize.where(Sequelize.fn('lower', Sequelize.col('name')), 'demo') });
  let report: SeedDemoReport['project'];
  if (!project) {
    const result = await createProject(
      {
        name: 'demo',
        description: '演示项目：用于体验卡密生成、验证与解绑',
        version: '1.0.0',
        prices: [
          { label: '1d', durationDays: 1, unitPrice: '1' },
          { label: '30d', durationDays: 30, unitPrice: '10' },
          { label: '365d', durationDays: 365, unitPrice: '80' },
          { label: 'permanent', durationDays: null, unitPrice: '200' },
        ],
        appKey: options.appKey,
        appSecret: options.appSecret,
      },
      null,
    );
    project = result.project;
    created.push('project demo');
    report = { appKey: project.appKey, appSecret: options.appSecret ? undefined : result.appSecret };
  }
  const superAdmin = users.get('superadmin')!;
  const actor: Actor = { id: superAdmin.id, role: 'super_admin', parentId: null };
  for (const demo of DEMO_USERS.filter((d) => d.role === 'agent')) {
    const agent = users.get(demo.username)!;
    if (await ProjectAuthorization.findOne({ where: { projectId: project.id, agentId: agent.id } })) continue;
    await grantAuthorization({ actor, projectId: project.id, agentId: agent.id });
    created.push(`authorization demo → ${demo.username}`);
  }
  return report;
}

async function seedContent(users: Map<string, AdminUser>, created: string[]): Promise<void> {
  // Two real images (seeders/assets), stored through the file store like an upload.
  const banners = [
    { title: '欢迎使用 Seahorse', file: 'banner-welcome.jpg', linkUrl: null, sort: 1 },
    { title: '充值 300 元赠送 200 积分', file: 'banner-bonus.png', linkUrl: '/pages/buy/index', sort: 2 },
  ];
  for (const { file, ...b } of banners) {
    const bytes = await readFile(path.join(projectRoot(), 'seeders', 'assets', file));
    const image = checkBannerImage(bytes);
    const { url } = await fileStore().put(`banners/demo-${file}`, bytes, image.mime);
    const fields = { ...b, imageUrl: url, imageMime: image.mime, imageSize: image.bytes };
    const [row, isNew] = await Banner.findOrCreate({ where: { title: b.title }, defaults: { ...fields, status: 1 } });
    if (isNew) created.push(`banner ${b.title}`);
    // Earlier seeds pointed at images that never existed.
    else if (row.imageUrl.startsWith('/static/demo/')) await row.update(fields);
  }
  const apis = [
    { name: 'text.translate', path: '/v1/text/translate', pointsPerCall: 1, description: '文本翻译' },
    { name: 'ocr.general', path: '/v1/ocr/general', pointsPerCall: 2, description: '通用文字识别' },
    { name: 'speech.tts', path: '/v1/speech/tts', pointsPerCall: 3, description: '语音合成' },
    { name: 'image.generate', path: '/v1/image/generate', pointsPerCall: 10, description: '图片生成' },
  ];
  for (const a of apis) {
    const [, isNew] = await ApiCatalogEntry.findOrCreate({ where: { name: a.name }, defaults: { ...a, status: 1 } });
    if (isNew) created.push(`api ${a.name}`);
  }
  const title = '服务状态：所有 API 运行正常';
  const [, isNew] = await Article.findOrCreate({
    where: { title },
    defaults: {
      kind: 'service_status',
      title,
      summary: '演示公告',
      content: '所有 API 服务运行正常。如遇问题请联系客服。',
      status: 'published',
      publishedAt: new Date('2026-01-01T00:00:00+08:00'),
      authorId: users.get('superadmin')!.id,
    },
  });
  if (isNew) created.push(`article ${title}`);
}

/**
 * Demo data (never part of `npm start`): the seven demo users with SEED_PASSWORD, their quota,
 * the launch catalog, project `demo`, banners, an API catalog and an announcement.
 * Every step looks for what it would create first, so a second run changes nothing.
 */
export async function seedDemo(options: SeedDemoOptions): Promise<SeedDemoReport> {
  if (config().isProduction) {
    throw new AppError(400, 1001, 'SEED_IN_PRODUCTION', 'seed:demo creates users with a known password and refuses to run with NODE_ENV=production');
  }
  const created: string[] = [];
  await ensureDefaultSettings();
  const users = await seedUsers(options.password, created);
  await seedQuota(users, created);
  await seedCatalog(created);
  const project = await seedProject(users, options, created);
  await seedContent(users, created);
  return { created, project };
}
