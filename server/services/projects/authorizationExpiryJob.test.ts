import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { EmailMessage } from '../../models/index.js';
import { createProject } from './createProject.js';
import { authorizationExpiryJob } from './authorizationExpiry.js';
import { grantAuthorization } from './authorizations.js';
import { makeUser, uniqueName } from '../../../test/support/quota.js';

describe('worker job authorizations.expiry-notice', () => {
  it('notifies an expiring authorization once, however often and concurrently it runs', async () => {
    const root = await makeUser('expjob_root', 'super_admin');
    const agent = await makeUser('expjob_agent', 'agent');
    const { project } = await createProject({ name: uniqueName('expjob'), prices: [{ label: '1天', durationDays: 1, unitPrice: 1 }] }, root);
    await grantAuthorization({ actor: root, projectId: project.id, agentId: agent.id, expiresAt: new Date(Date.now() + 2 * 24 * 3600_000) });

    const first = (await authorizationExpiryJob.runNow({})) as { notified: number };
    assert.ok(first.notified >= 1);
    await authorizationExpiryJob.runNow();
    await Promise.all([authorizationExpiryJob.runNow(), authorizationExpiryJob.runNow()]);

    const rows = await db().query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM notifications n JOIN notification_recipients r ON r.notification_id = n.id
        WHERE r.user_id = :userId AND n.event = 'project.authorization_expiring'`,
      { replacements: { userId: agent.id }, type: QueryTypes.SELECT },
    );
    assert.equal(rows[0]!.n, 1);
    assert.equal(await EmailMessage.count({ where: { userId: agent.id, template: 'project.authorization_expiring' } }), 1);
  });
});
