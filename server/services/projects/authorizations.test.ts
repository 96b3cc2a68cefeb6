import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { ProjectAuthorization } from '../../models/index.js';
import { makeUser } from '../../../test/support/cardKeys.js';
import type { Actor } from '../../policies/actor.js';
import { createProject } from './createProject.js';
import { applyForProject, assertAuthorized, grantAuthorization, reviewApplication } from './authorizations.js';

async function eventsFor(userId: number): Promise<string[]> {
  const rows = await db().query<{ event: string }>(
    `SELECT n.event FROM notifications n JOIN notification_recipients r ON r.notification_id = n.id WHERE r.user_id = :u ORDER BY n.id`,
    { replacements: { u: userId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.event);
}

describe('project authorizations and applications', () => {
  let root: Actor, admin: Actor, otherAdmin: Actor, agent: Actor, stray: Actor;
  let projectId: number;
  before(async () => {
    root = await makeUser('auth_root', 'super_admin');
    admin = await makeUser('auth_admin', 'agent_admin');
    otherAdmin = await makeUser('auth_admin2', 'agent_admin');
    agent = await makeUser('auth_agent', 'agent', admin.id);
    stray = await makeUser('auth_stray', 'agent');
    projectId = (await createProject({ name: 'auth project', prices: [{ label: '1天', durationDays: 1, unitPrice: 1 }] }, root)).project.id;
  });

  it('lets super admins grant to anyone and agent admins only to their own agents, notifying the agent', async () => {
    await assert.rejects(grantAuthorization({ actor: admin, projectId, agentId: stray.id }), { status: 403 });
    await assert.rejects(grantAuthorization({ actor: agent, projectId, agentId: agent.id }), { status: 403 });
    await assert.rejects(grantAuthorization({ actor: root, projectId, agentId: stray.id, expiresAt: '2001-01-01' }), { status: 400 });
    const auth = await grantAuthorization({ actor: root, projectId, agentId: stray.id, expiresAt: new Date(Date.now() + 3600_000) });
    assert.equal(auth.status, 'active');
    await assertAuthorized(stray.id, projectId);
    assert.deepEqual(await eventsFor(stray.id), ['project.authorized']);
  });

  it('runs an application through rejection with an opinion and then approval, notifying both sides', async () => {
    await assert.rejects(applyForProject({ actor: admin, projectId, reason: 'x' }), { status: 403 });
    await assert.rejects(applyForProject({ actor: agent, projectId, reason: '  ' }), { status: 400 });
    const first = await applyForProject({ actor: agent, projectId, reason: '客户需要' });
    await assert.rejects(applyForProject({ actor: agent, projectId, reason: '再次申请' }), { reason: 'APPLICATION_PENDING' });
    assert.ok((await eventsFor(admin.id)).includes('project.application_submitted'));

    await assert.rejects(reviewApplication({ actor: otherAdmin, applicationId: first.id, decision: 'approve' }), { status: 403 });
    await assert.rejects(reviewApplication({ actor: admin, applicationId: first.id, decision: 'reject' }), { reason: 'OPINION_REQUIRED' });
    const rejected = await reviewApplication({ actor: admin, applicationId: first.id, decision: 'reject', opinion: '资料不全' });
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.reviewOpinion, '资料不全');
    await assert.rejects(reviewApplication({ actor: admin, applicationId: first.id, decision: 'approve' }), { reason: 'ALREADY_REVIEWED' });
    await assert.rejects(assertAuthorized(agent.id, projectId), { reason: 'NOT_AUTHORIZED' });

    const second = await applyForProject({ actor: agent, projectId, reason: '补充了资料' });
    await reviewApplication({ actor: admin, applicationId: second.id, decision: 'approve', opinion: '同意' });
    const auth = await ProjectAuthorization.findOne({ where: { agentId: agent.id, projectId } });
    assert.equal(auth!.status, 'active');
    await assertAuthorized(agent.id, projectId);
    assert.deepEqual(
      (await eventsFor(agent.id)).filter((e) => e === 'project.application_reviewed'),
      ['project.application_reviewed', 'project.application_reviewed'],
    );
    await assert.rejects(applyForProject({ actor: agent, projectId, reason: '又来' }), { reason: 'ALREADY_AUTHORIZED' });
  });
});
