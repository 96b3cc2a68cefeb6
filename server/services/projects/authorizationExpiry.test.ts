import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { EmailMessage, ProjectAuthorization } from '../../models/index.js';
import { makeUser, uniqueName, type TestUser } from '../../../test/support/quota.js';
import { formatLocalTime } from '../identity/format.js';
import { freezeUser, unfreezeUser } from '../identity/freezeUser.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { notifyExpiringAuthorizations } from './authorizationExpiry.js';
import { grantAuthorization, revokeAuthorization } from './authorizations.js';
import { createProject } from './createProject.js';
import { setProjectStatus } from './manageProject.js';

const EVENT = 'project.authorization_expiring';
const DAY = 24 * 3600_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY);

interface Notice {
  title: string;
  body: string;
}

async function noticesFor(userId: number): Promise<Notice[]> {
  return db().query<Notice>(
    `SELECT n.title, n.body FROM notifications n JOIN notification_recipients r ON r.notification_id = n.id
      WHERE r.user_id = :userId AND n.event = :event ORDER BY n.id`,
    { replacements: { userId, event: EVENT }, type: QueryTypes.SELECT },
  );
}

const emailsFor = (userId: number) => EmailMessage.findAll({ where: { userId, template: EVENT }, order: [['id', 'ASC']] });

describe('authorization expiry notices', () => {
  let root: TestUser;
  let admin: TestUser;
  let projectId: number;
  let projectName: string;

  before(async () => {
    root = await makeUser('exp_root', 'super_admin');
    admin = await makeUser('exp_admin', 'agent_admin');
    projectName = uniqueName('到期项目');
    projectId = (await createProject({ name: projectName, prices: [{ label: '1天', durationDays: 1, unitPrice: 1 }] }, root)).project.id;
  });

  async function agentWith(expiresAt: Date | null): Promise<{ agent: TestUser; authorizationId: number }> {
    const agent = await makeUser('exp_agent', 'agent', admin.id);
    const auth = await grantAuthorization({ actor: admin, projectId, agentId: agent.id, expiresAt });
    return { agent, authorizationId: auth.id };
  }

  it('tells the agent once, in-site and by email, about an authorization expiring within 3 days', async () => {
    const { agent, authorizationId } = await agentWith(inDays(2));
    const result = await notifyExpiringAuthorizations();
    assert.ok(result.notified >= 1);
    await notifyExpiringAuthorizations();

    const auth = (await ProjectAuthorization.findByPk(authorizationId))!;
    const until = formatLocalTime(auth.expiresAt!);
    const notices = await noticesFor(agent.id);
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.title, `项目授权即将到期：${projectName}`);
    assert.match(notices[0]!.body, new RegExp(`「${projectName}」的授权将于 ${until.replace(/[()+]/g, '\\$&')} 到期`));
    assert.ok(auth.expiryNotifiedAt, 'the authorization records that its expiry was notified');

    const emails = await emailsFor(agent.id);
    assert.equal(emails.length, 1);
    assert.equal(emails[0]!.toAddress, `${agent.username}@example.test`);
    assert.equal(emails[0]!.subject, notices[0]!.title);
    assert.equal(emails[0]!.textBody, notices[0]!.body);
    assert.equal(emails[0]!.status, 'queued', 'without SMTP the message waits in the outbox');

    assert.deepEqual(await noticesFor(admin.id), [], 'the granting admin is not notified, as with the other authorization notices');
  });

  it('notifies each authorization exactly once when several runs race', async () => {
    const agents = await Promise.all([1, 2, 3, 4, 5].map(() => agentWith(inDays(1))));
    await Promise.all([notifyExpiringAuthorizations(), notifyExpiringAuthorizations(), notifyExpiringAuthorizations()]);
    for (const { agent } of agents) {
      assert.equal((await noticesFor(agent.id)).length, 1);
      assert.equal((await emailsFor(agent.id)).length, 1);
    }
  });

  it('leaves alone authorizations expiring later, already expired, permanent or revoked', async () => {
    const later = await agentWith(inDays(10));
    const permanent = await agentWith(null);
    const expired = await agentWith(inDays(2));
    await ProjectAuthorization.update({ expiresAt: new Date(Date.now() - 3600_000) }, { where: { id: expired.authorizationId } });
    const revoked = await agentWith(inDays(2));
    await revokeAuthorization({ actor: admin, authorizationId: revoked.authorizationId });

    await notifyExpiringAuthorizations();
    for (const { agent, authorizationId } of [later, permanent, expired, revoked]) {
      assert.deepEqual(await noticesFor(agent.id), []);
      assert.deepEqual(await emailsFor(agent.id), []);
      assert.equal((await ProjectAuthorization.findByPk(authorizationId))!.expiryNotifiedAt, null);
    }
  });

  it('uses the notice period from the system settings', async () => {
    const { agent } = await agentWith(inDays(10));
    await updateSetting('notification.authorization_expiry_days', 14, root);
    try {
      await notifyExpiringAuthorizations();
    } finally {
      await updateSetting('notification.authorization_expiry_days', 3, root);
    }
    assert.equal((await noticesFor(agent.id)).length, 1);
    await assert.rejects(updateSetting('notification.authorization_expiry_days', 0, root), { status: 400 });
  });

  it('sends a new notice for the new expiry once the authorization is extended', async () => {
    const { agent, authorizationId } = await agentWith(inDays(2));
    await notifyExpiringAuthorizations();
    assert.equal((await noticesFor(agent.id)).length, 1);

    await grantAuthorization({ actor: admin, projectId, agentId: agent.id, expiresAt: inDays(30) });
    await notifyExpiringAuthorizations();
    assert.equal((await noticesFor(agent.id)).length, 1, 'the extended expiry is not due yet');

    const extended = inDays(2.5);
    await grantAuthorization({ actor: admin, projectId, agentId: agent.id, expiresAt: extended });
    await notifyExpiringAuthorizations();
    await notifyExpiringAuthorizations();
    const notices = await noticesFor(agent.id);
    assert.equal(notices.length, 2);
    assert.ok(notices[1]!.body.includes(formatLocalTime((await ProjectAuthorization.findByPk(authorizationId))!.expiresAt!)));
    assert.equal((await emailsFor(agent.id)).length, 2);
  });

  it('waits while the project is disabled or the agent frozen, and notifies once they are back', async () => {
    const { agent } = await agentWith(inDays(2));
    await setProjectStatus(projectId, 'disabled', root);
    await freezeUser(root, agent.id);
    try {
      await notifyExpiringAuthorizations();
      assert.deepEqual(await noticesFor(agent.id), []);
      await setProjectStatus(projectId, 'active', root);
      await notifyExpiringAuthorizations();
      assert.deepEqual(await noticesFor(agent.id), [], 'the agent is still frozen');
    } finally {
      await setProjectStatus(projectId, 'active', root);
      await unfreezeUser(root, agent.id);
    }
    await notifyExpiringAuthorizations();
    assert.equal((await noticesFor(agent.id)).length, 1);
  });
});
