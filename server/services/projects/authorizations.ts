import { Op, QueryTypes, type Transaction, type WhereOptions } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { msg, oneOf, optionalText, parseInput, recordId, requiredText, type RawInput } from '../../lib/input.js';
import { AdminUser, Project, ProjectApplication, ProjectAuthorization } from '../../models/index.js';
import { assertCanManageUser, isAgent, type Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { notifyUsers } from '../notifications/index.js';

async function loadAgent(agentId: number, t: Transaction): Promise<AdminUser> {
  const agent = await AdminUser.findByPk(agentId, { transaction: t });
  if (!agent || agent.role !== 'agent') throw notFound('代理不存在', 'AGENT_NOT_FOUND', 2404);
  return agent;
}

async function loadProject(projectId: number, t: Transaction): Promise<Project> {
  const project = await Project.findByPk(projectId, { transaction: t });
  if (!project) throw notFound('项目不存在', 'PROJECT_NOT_FOUND', 3404);
  return project;
}

/** An authorization that lets its agent generate keys now: active and not past its expiry. */
export function activeAuthorization(now = new Date()): WhereOptions {
  return { status: 'active', [Op.or]: [{ expiresAt: null }, { expiresAt: { [Op.gt]: now } }] };
}

const INVALID_EXPIRY = { reason: 'INVALID_EXPIRY', code: 3006 };

/** An optional authorization expiry (a date or a date string; empty = no expiry), in the future. */
const expiry = z
  .preprocess(
    (v) => (v == null || v === '' ? null : v instanceof Date ? v : typeof v === 'string' ? new Date(v.trim()) : v),
    z.date({ error: msg('有效期格式不正确', 'The expiry is not a valid date') }).nullable(),
  )
  .refine((d) => !d || !Number.isNaN(d.getTime()), { error: msg('有效期格式不正确', 'The expiry is not a valid date'), params: INVALID_EXPIRY })
  .refine((d) => !d || d.getTime() > Date.now(), { error: msg('有效期必须晚于当前时间', 'The expiry must be in the future'), params: INVALID_EXPIRY });

export const grantAuthorizationSchema = z.object({
  projectId: recordId(say('项目', 'project')),
  agentId: recordId(say('代理', 'agent')),
  expiresAt: expiry,
});

export const applyForProjectSchema = z.object({
  projectId: recordId(say('项目', 'project')),
  reason: requiredText(say('申请理由', 'a reason'), 1000),
});

export const reviewApplicationSchema = z
  .object({
    applicationId: recordId(say('申请', 'application')),
    decision: oneOf(['approve', 'reject'], say('审核结果无效', 'The decision must be approve or reject')),
    opinion: optionalText(say('审核意见', 'The review opinion'), 1000),
    expiresAt: expiry,
  })
  .refine((v) => v.decision !== 'reject' || v.opinion, {
    error: msg('拒绝时必须填写审核意见', 'Please give a review opinion to reject'),
    params: { reason: 'OPINION_REQUIRED', code: 3008 },
  });

/** Creates or reactivates the one authorization row of (project, agent). */
async function upsertAuthorization(projectId: number, agentId: number, grantedBy: number | null, expiresAt: Date | null, t: Transaction) {
  const [row] = await ProjectAuthorization.sequelize!.query<{ id: number }>(
    `INSERT INTO project_authorizations (project_id, agent_id, granted_by, status, expires_at)
     VALUES (:projectId, :agentId, :grantedBy, 'active', :expiresAt)
     ON CONFLICT (project_id, agent_id) DO UPDATE
       SET status = 'active', granted_by = EXCLUDED.granted_by, expires_at = EXCLUDED.expires_at,
           expiry_notified_at = NULL, updated_at = now()
     RETURNING id`,
    { replacements: { projectId, agentId, grantedBy, expiresAt }, type: QueryTypes.SELECT, transaction: t },
  );
  return (await ProjectAuthorization.findByPk(row!.id, { transaction: t }))!;
}

/** Grants project P to agent A (super admin: any agent; agent admin: own agents), optionally until `expiresAt`. */
export async function grantAuthorization(
  input: RawInput<typeof grantAuthorizationSchema> & { actor: Actor; ip?: string | null },
): Promise<ProjectAuthorization> {
  authorize(input.actor, 'grant', 'project_authorizations');
  const { projectId, agentId, expiresAt } = parseInput(grantAuthorizationSchema, input, INVALID_EXPIRY);
  return inTransaction(async (t) => {
    const agent = await loadAgent(agentId, t);
    assertCanManageUser(input.actor, agent);
    const project = await loadProject(projectId, t);
    const auth = await upsertAuthorization(project.id, agent.id, input.actor.id, expiresAt, t);
    await recordOperation(
      { actor: input.actor, ownerId: agent.id, action: 'grant', resource: 'project_authorizations', recordId: auth.id, after: { projectId: project.id, agentId: agent.id, expiresAt }, ip: input.ip },
      t,
    );
    await notifyUsers(
      {
        userIds: [agent.id],
        event: 'project.authorized',
        link: { resource: 'project_authorizations', id: auth.id },
        title: say(`已获得项目授权：${project.name}`, `Project authorized: ${project.name}`),
        body: say(
          `您已获得项目「${project.name}」的授权${expiresAt ? `，有效期至 ${expiresAt.toISOString()}` : ''}，现在可以生成该项目的卡密。`,
          `You are now authorized for the project "${project.name}"${expiresAt ? ` until ${expiresAt.toISOString()}` : ''} and can generate its card keys.`,
        ),
        createdBy: input.actor.id,
      },
      t,
    );
    return auth;
  });
}

export async function revokeAuthorization(input: { actor: Actor; authorizationId: number; ip?: string | null }): Promise<ProjectAuthorization> {
  authorize(input.actor, 'revoke', 'project_authorizations');
  return inTransaction(async (t) => {
    const auth = await ProjectAuthorization.findByPk(input.authorizationId, { transaction: t, lock: t.LOCK.UPDATE });
    if (!auth) throw notFound('授权不存在', 'AUTHORIZATION_NOT_FOUND', 3405);
    const agent = await loadAgent(auth.agentId, t);
    assertCanManageUser(input.actor, agent);
    if (auth.status === 'revoked') return auth;
    await auth.update({ status: 'revoked' }, { transaction: t });
    await recordOperation(
      { actor: input.actor, ownerId: agent.id, action: 'revoke', resource: 'project_authorizations', recordId: auth.id, before: { status: 'active' }, after: { status: 'revoked' }, ip: input.ip },
      t,
    );
    const project = await loadProject(auth.projectId, t);
    await notifyUsers(
      { userIds: [agent.id], event: 'project.authorization_revoked', title: say(`项目授权已撤销：${project.name}`, `Project authorization revoked: ${project.name}`), body: say(`您对项目「${project.name}」的授权已被撤销。`, `Your authorization for the project "${project.name}" has been revoked.`), createdBy: input.actor.id },
      t,
    );
    return auth;
  });
}

/** The authorization that lets `agentId` generate keys of `projectId` now, or a 403 saying why not. */
export async function assertAuthorized(agentId: number, projectId: number, t?: Transaction): Promise<ProjectAuthorization> {
  const auth = await ProjectAuthorization.findOne({ where: { agentId, projectId }, transaction: t });
  if (!auth || auth.status !== 'active') throw forbidden('您没有该项目的授权', 'NOT_AUTHORIZED', 3401);
  if (auth.expiresAt && auth.expiresAt.getTime() <= Date.now()) throw forbidden('该项目的授权已过期', 'AUTHORIZATION_EXPIRED', 3402);
  return auth;
}

/** The admins who review an agent's requests: their agent admin, or every super admin for agents without one. */
async function reviewersOf(agent: AdminUser, t: Transaction): Promise<number[]> {
  if (agent.parentId) return [agent.parentId];
  const supers = await AdminUser.findAll({ attributes: ['id'], where: { role: 'super_admin', status: 'active' }, transaction: t });
  return supers.map((u) => u.id);
}

/** An agent asks for a project with a reason; their reviewer is notified. */
export async function applyForProject(input: RawInput<typeof applyForProjectSchema> & { actor: Actor; ip?: string | null }): Promise<ProjectApplication> {
  authorize(input.actor, 'apply', 'project_applications');
  const { projectId, reason } = parseInput(applyForProjectSchema, input, { reason: 'INVALID_REASON', code: 3007 });
  try {
    return await inTransaction(async (t) => {
      const agent = await loadAgent(input.actor.id, t);
      const project = await loadProject(projectId, t);
      if (project.status !== 'active') throw conflict('该项目已停用', 'PROJECT_DISABLED', 3410);
      const current = await ProjectAuthorization.findOne({ where: { agentId: agent.id, projectId: project.id, ...activeAuthorization() }, transaction: t });
      if (current) throw conflict('您已拥有该项目的授权', 'ALREADY_AUTHORIZED', 3411);
      const application = await ProjectApplication.create({ projectId: project.id, agentId: agent.id, reason }, { transaction: t });
      await recordOperation(
        { actor: input.actor, ownerId: agent.id, action: 'apply', resource: 'project_applications', recordId: application.id, after: { projectId: project.id, reason }, ip: input.ip },
        t,
      );
      await notifyUsers(
        {
          userIds: await reviewersOf(agent, t),
          event: 'project.application_submitted',
          link: { resource: 'project_applications', id: application.id },
          title: say(`新的项目申请：${project.name}`, `New project application: ${project.name}`),
          body: say(`代理 ${agent.username} 申请项目「${project.name}」，理由：${reason}`, `The agent ${agent.username} applied for the project "${project.name}". Reason: ${reason}`),
          createdBy: agent.id,
        },
        t,
      );
      return application;
    });
  } catch (err) {
    if ((err as { name?: string }).name === 'SequelizeUniqueConstraintError') throw conflict('该项目已有待审核的申请', 'APPLICATION_PENDING', 3412);
    throw err;
  }
}

/** The reviewer approves (authorization created or reactivated) or rejects with an opinion; the agent is notified. */
export async function reviewApplication(
  input: RawInput<typeof reviewApplicationSchema> & { actor: Actor; ip?: string | null },
): Promise<ProjectApplication> {
  authorize(input.actor, 'review', 'project_applications');
  const parsed = parseInput(reviewApplicationSchema, input, { reason: 'INVALID_DECISION', code: 3008 });
  const { applicationId, decision, opinion } = parsed;
  const expiresAt = decision === 'approve' ? parsed.expiresAt : null;
  return inTransaction(async (t) => {
    const application = await ProjectApplication.findByPk(applicationId, { transaction: t, lock: t.LOCK.UPDATE });
    if (!application) throw notFound('申请不存在', 'APPLICATION_NOT_FOUND', 3406);
    const agent = await loadAgent(application.agentId, t);
    assertCanManageUser(input.actor, agent);
    if (application.status !== 'pending') throw conflict('该申请已审核', 'ALREADY_REVIEWED', 3413);
    const project = await loadProject(application.projectId, t);
    const status = decision === 'approve' ? 'approved' : 'rejected';
    await application.update({ status, reviewerId: input.actor.id, reviewOpinion: opinion, reviewedAt: new Date() }, { transaction: t });
    if (status === 'approved') await upsertAuthorization(project.id, agent.id, input.actor.id, expiresAt, t);
    await recordOperation(
      { actor: input.actor, ownerId: agent.id, action: decision, resource: 'project_applications', recordId: application.id, before: { status: 'pending' }, after: { status, opinion }, ip: input.ip },
      t,
    );
    await notifyUsers(
      {
        userIds: [agent.id, input.actor.id],
        event: 'project.application_reviewed',
        link: { resource: 'project_applications', id: application.id },
        title: say(`项目申请${status === 'approved' ? '已通过' : '被拒绝'}：${project.name}`, `Project application ${status === 'approved' ? 'approved' : 'rejected'}: ${project.name}`),
        body: say(
          `代理 ${agent.username} 对项目「${project.name}」的申请${status === 'approved' ? '已通过' : '被拒绝'}${opinion ? `，审核意见：${opinion}` : ''}。`,
          `The application of ${agent.username} for the project "${project.name}" was ${status === 'approved' ? 'approved' : 'rejected'}${opinion ? `. Reviewer's opinion: ${opinion}` : '.'}`,
        ),
        createdBy: input.actor.id,
      },
      t,
    );
    return application;
  });
}
