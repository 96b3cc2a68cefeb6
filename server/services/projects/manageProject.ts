import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { sealSecret } from '../../lib/secretBox.js';
import { Project, ProjectPrice } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { publishInvalidation } from '../cardKeys/invalidation.js';
import { assertCallbackTarget, assertProjectAdmin, callbackUrlSchema, newAppSecret, parsePrices, priceSchema, validationError } from './createProject.js';

export interface UpdateProjectProps {
  name?: string;
  description?: string | null;
  version?: string | null;
  callbackUrl?: string | null;
  maxUnbinds?: number;
  unbindCooldownMinutes?: number;
  shareIpThreshold?: number;
  pointsPerKey?: number | null;
  /** Replaces the whole price list; batches keep the price they were bought at. */
  prices?: Array<z.infer<typeof priceSchema>>;
}

const updateSchema = z.object({
  name: z.string().trim().min(1).max(64).optional(),
  description: z.string().trim().max(5000).nullish(),
  version: z.string().trim().max(32).nullish(),
  callbackUrl: callbackUrlSchema.nullish().or(z.literal('')),
  maxUnbinds: z.number().int().min(0).max(1000).optional(),
  unbindCooldownMinutes: z.number().int().min(0).max(525_600).optional(),
  shareIpThreshold: z.number().int().min(1).max(10_000).optional(),
  pointsPerKey: z.number().int().min(1).max(100_000_000).nullish(),
  prices: z.array(priceSchema).min(1, '至少需要一个价格（有效期）').max(20).optional(),
});

async function lockProject(projectId: number, t: Transaction): Promise<Project> {
  const project = await Project.findByPk(projectId, { transaction: t, lock: t.LOCK.UPDATE });
  if (!project) throw notFound('项目不存在', 'PROJECT_NOT_FOUND', 3404);
  return project;
}

const snapshot = (p: Project) => ({
  name: p.name,
  description: p.description,
  version: p.version,
  status: p.status,
  callbackUrl: p.callbackUrl,
  maxUnbinds: p.maxUnbinds,
  unbindCooldownMinutes: p.unbindCooldownMinutes,
  shareIpThreshold: p.shareIpThreshold,
  pointsPerKey: p.pointsPerKey,
});

/** Edits a project's details, rules and price list (super admin). Verification nodes reload it at once. */
export async function updateProject(projectId: number, props: UpdateProjectProps, actor: Actor | null, ip?: string | null): Promise<Project> {
  assertProjectAdmin(actor);
  const parsed = updateSchema.safeParse(props);
  if (!parsed.success) throw validationError(parsed.error);
  const input = parsed.data;
  await assertCallbackTarget(input.callbackUrl);
  const prices = input.prices ? parsePrices(input.prices) : undefined;
  try {
    const project = await inTransaction(async (t) => {
      const project = await lockProject(projectId, t);
      const before = snapshot(project);
      const patch: Record<string, unknown> = {};
      for (const key of ['name', 'description', 'version', 'maxUnbinds', 'unbindCooldownMinutes', 'shareIpThreshold'] as const) {
        if (input[key] !== undefined) patch[key] = input[key];
      }
      if (input.callbackUrl !== undefined) patch.callbackUrl = input.callbackUrl || null;
      if (input.pointsPerKey !== undefined) {
        if (project.kind === 'points' && !input.pointsPerKey) throw badRequest('积分项目必须设置每张卡密的积分', 'POINTS_PER_KEY_REQUIRED', 3003);
        if (project.kind === 'points') patch.pointsPerKey = input.pointsPerKey;
      }
      await project.update(patch, { transaction: t });
      if (prices) {
        await ProjectPrice.destroy({ where: { projectId }, transaction: t });
        await ProjectPrice.bulkCreate(prices.map((p) => ({ ...p, projectId })), { transaction: t });
      }
      await recordOperation(
        { actor, action: 'update', resource: 'projects', recordId: projectId, before, after: { ...snapshot(project), ...(prices ? { prices } : {}) }, ip },
        t,
      );
      return project;
    });
    await publishInvalidation({ projectId });
    return project;
  } catch (err) {
    if ((err as { name?: string }).name === 'SequelizeUniqueConstraintError') throw conflict('项目名称已存在', 'PROJECT_EXISTS', 3009);
    throw err;
  }
}

/** Enables or disables a project: a disabled project's keys answer PROJECT_DISABLED and cannot be generated. */
export async function setProjectStatus(projectId: number, status: 'active' | 'disabled', actor: Actor | null, ip?: string | null): Promise<Project> {
  assertProjectAdmin(actor);
  if (status !== 'active' && status !== 'disabled') throw badRequest('状态无效', 'INVALID_STATUS', 3004);
  const project = await inTransaction(async (t) => {
    const project = await lockProject(projectId, t);
    const before = project.status;
    await project.update({ status }, { transaction: t });
    await recordOperation(
      { actor, action: status === 'active' ? 'enable' : 'disable', resource: 'projects', recordId: projectId, before: { status: before }, after: { status }, ip },
      t,
    );
    return project;
  });
  await publishInvalidation({ projectId });
  return project;
}

export const DEFAULT_SECRET_GRACE_MINUTES = 24 * 60;

/**
 * Issues a new app secret. The old one keeps verifying for `graceMinutes` (0 = revoked at once) so
 * deployed clients can be updated without downtime. Returns the new secret; it is shown once.
 */
export async function rotateProjectSecret(
  projectId: number,
  actor: Actor | null,
  options: { graceMinutes?: number; ip?: string | null; newSecret?: string } = {},
): Promise<{ project: Project; appSecret: string; previousValidUntil: Date | null }> {
  assertProjectAdmin(actor, 'rotateSecret');
  const grace = options.graceMinutes ?? DEFAULT_SECRET_GRACE_MINUTES;
  if (!Number.isInteger(grace) || grace < 0 || grace > 30 * 24 * 60) throw badRequest('宽限期须为 0 到 43200 分钟', 'INVALID_GRACE', 3005);
  const appSecret = options.newSecret ?? newAppSecret();
  const previousValidUntil = grace > 0 ? new Date(Date.now() + grace * 60_000) : null;
  const project = await inTransaction(async (t) => {
    const project = await lockProject(projectId, t);
    await project.update(
      {
        previousSecretEnc: grace > 0 ? project.appSecretEnc : null,
        previousSecretExpiresAt: previousValidUntil,
        appSecretEnc: sealSecret(appSecret),
      },
      { transaction: t },
    );
    await recordOperation(
      { actor, action: 'rotate_secret', resource: 'projects', recordId: projectId, after: { graceMinutes: grace, previousValidUntil }, ip: options.ip },
      t,
    );
    return project;
  });
  await publishInvalidation({ projectId });
  return { project, appSecret, previousValidUntil };
}
