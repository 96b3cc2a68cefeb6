import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ForbiddenError, type ActionContext } from 'adminjs';
import { QueryTypes } from 'sequelize';
import { db } from '../../server/db/index.js';
import { AdminUser } from '../../server/models/index.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { until } from '../../test/support/until.js';
import { ScopedResource } from './ScopedResource.js';

const PASSWORD = 'Scoped-secret-pass-1!';
const newAdmin = (role: 'agent_admin' | 'agent', parentId?: number) =>
  createAdminUser({ username: `sr_${randomUUID().slice(0, 8)}`, password: PASSWORD, role, ...(parentId ? { parentId } : {}) });
const as = (admin: AdminUser) => ({ currentAdmin: { id: admin.id, role: admin.role, parentId: admin.parentId } }) as unknown as ActionContext;

describe('ScopedResource.update', () => {
  before(() => void db()); // initialises the models in this module graph
  it('changes a row in the admin’s scope, refuses one outside it, and keeps nothing that would move a row out of it', async () => {
    const [mine, theirs] = [await newAdmin('agent_admin'), await newAdmin('agent_admin')];
    const [agent, other] = [await newAdmin('agent', mine.id), await newAdmin('agent', theirs.id)];
    const resource = new ScopedResource(AdminUser);
    const updated = await resource.update(String(agent.id), { email: 'agent@example.com' }, as(mine));
    assert.equal(updated.email, 'agent@example.com');
    await assert.rejects(resource.update(String(other.id), { email: 'x@example.com' }, as(mine)), ForbiddenError);
    assert.equal((await AdminUser.findByPk(other.id))!.email, null);
    // (The forms drop parentId for agent admins; the adapter refuses it on its own as well.)
    await assert.rejects(resource.update(String(agent.id), { email: 'moved@example.com', parentId: String(theirs.id) }, as(mine)), ForbiddenError);
    const row = await AdminUser.findByPk(agent.id);
    assert.deepEqual([row!.parentId, row!.email], [mine.id, 'agent@example.com']);
  });

  it('does not change a row that leaves the scope while the edit waits for it (the scope is in the UPDATE)', async () => {
    const [mine, theirs] = [await newAdmin('agent_admin'), await newAdmin('agent_admin')];
    const agent = await newAdmin('agent', mine.id);
    const resource = new ScopedResource(AdminUser);
    // A super admin moves the agent to another agent admin; not yet committed when the edit runs.
    const move = await db().transaction();
    let edit: Promise<unknown> | undefined;
    try {
      await AdminUser.update({ parentId: theirs.id }, { where: { id: agent.id }, transaction: move });
      edit = resource.update(String(agent.id), { email: 'late@example.com' }, as(mine)).catch((err: unknown) => err);
      await until(async () => {
        const [row] = await db().query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%admin_users%'`,
          { type: QueryTypes.SELECT },
        );
        return row!.n > 0;
      }, 'the edit to wait for the moved row');
      await move.commit();
    } catch (err) {
      await move.rollback();
      throw err;
    }
    assert.ok((await edit) instanceof ForbiddenError, 'the edit is refused');
    const row = await AdminUser.findByPk(agent.id);
    assert.equal(row!.parentId, theirs.id);
    assert.equal(row!.email, null, 'and changed nothing');
  });
});
