import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { SystemLog } from '../../models/index.js';
import { rechargeUser, transferQuota } from './index.js';
import { reconcileQuota, reconcileQuotaJob } from './reconcileQuota.js';
import { runCli } from '../../../test/ops/child.js';
import { events, fund, makeUser, type TestUser } from '../../../test/support/quota.js';

describe('quota reconciliation', () => {
  let root: TestUser;
  let agentA: TestUser;
  let agentB: TestUser;

  before(async () => {
    root = await makeUser('qr_root', 'super_admin');
    const admin = await makeUser('qr_adm', 'agent_admin');
    agentA = await makeUser('qr_agA', 'agent', admin.id);
    agentB = await makeUser('qr_agB', 'agent', admin.id);
    await fund(root, admin, '500.00');
    await rechargeUser({ actor: admin, targetUserId: agentA.id, amount: '200' });
    await transferQuota({ actor: agentA, recipientUsername: agentB.username, amount: '50' });
  });

  const ours = (ids: number[]) => async () => (await reconcileQuota()).mismatches.filter((m) => ids.includes(m.userId));

  it('finds nothing wrong with an honest ledger', async () => {
    assert.deepEqual(await ours([root.id, agentA.id, agentB.id])(), []);
  });

  it('detects a ledger row tampered with directly in SQL, logs an alert and tells the super admins', async () => {
    const [row] = await db().query<{ id: number; balance_delta: string }>(
      `SELECT id, balance_delta::text FROM quota_ledger WHERE user_id = :id AND type = 'transfer_in' ORDER BY id DESC LIMIT 1`,
      { replacements: { id: agentB.id }, type: QueryTypes.SELECT },
    );
    const netBefore = (await reconcileQuota()).internalMovesNet;
    await db().query('UPDATE quota_ledger SET balance_delta = balance_delta + 1000 WHERE id = :id', { replacements: { id: row!.id } });
    try {
      const alertsBefore = await SystemLog.count({ where: { source: 'quota.reconcile', level: 'alert' } });
      const result = await reconcileQuota();
      const mismatch = result.mismatches.find((m) => m.userId === agentB.id);
      assert.ok(mismatch, 'the tampered user is reported');
      assert.equal(mismatch.storedBalance, '50.00');
      assert.equal(mismatch.ledgerBalance, '1050.00');
      assert.equal(mismatch.firstBrokenEntryId, row!.id);
      assert.equal(result.mismatches.some((m) => m.userId === agentA.id), false);
      assert.equal(Number(result.internalMovesNet) - Number(netBefore), 1000);
      assert.equal(await SystemLog.count({ where: { source: 'quota.reconcile', level: 'alert' } }), alertsBefore + 1);
      assert.ok((await events(root.id)).includes('quota.reconcile_mismatch'));
    } finally {
      await db().query('UPDATE quota_ledger SET balance_delta = :v WHERE id = :id', { replacements: { id: row!.id, v: row!.balance_delta } });
    }
    assert.deepEqual(await ours([agentB.id])(), []);
  });

  it('detects an after-value edited in the middle of a ledger and a stored balance edited in place', async () => {
    const [first] = await db().query<{ id: number; balance_after: string }>(
      `SELECT id, balance_after::text FROM quota_ledger WHERE user_id = :id ORDER BY id LIMIT 1`,
      { replacements: { id: agentA.id }, type: QueryTypes.SELECT },
    );
    await db().query('UPDATE quota_ledger SET balance_after = balance_after + 1 WHERE id = :id', { replacements: { id: first!.id } });
    await db().query('UPDATE quota_accounts SET frozen = frozen + 5 WHERE user_id = :id', { replacements: { id: agentB.id } });
    try {
      const found = await ours([agentA.id, agentB.id])();
      assert.deepEqual(
        found.map((m) => [m.userId, m.firstBrokenEntryId, m.storedFrozen]),
        [
          [agentA.id, first!.id, '0.00'],
          [agentB.id, null, '5.00'],
        ],
      );
    } finally {
      await db().query('UPDATE quota_ledger SET balance_after = :v WHERE id = :id', { replacements: { id: first!.id, v: first!.balance_after } });
      await db().query('UPDATE quota_accounts SET frozen = frozen - 5 WHERE user_id = :id', { replacements: { id: agentB.id } });
    }
    assert.deepEqual(await ours([agentA.id, agentB.id])(), []);
  });

  it('runs as the scheduled worker job and as `seahorse quota:reconcile`, which exits non-zero on a mismatch', async () => {
    const clean = await runCli(['quota:reconcile']);
    assert.equal(clean.code, 0, `a consistent ledger exits 0:\n${clean.stdout}${clean.stderr}`);
    assert.match(clean.stdout, /0 mismatch/);
    await db().query('UPDATE quota_accounts SET balance = balance + 0.01 WHERE user_id = :id', { replacements: { id: agentA.id } });
    try {
      const job = (await reconcileQuotaJob.runNow()) as { mismatches: number };
      assert.ok(job.mismatches >= 1);
      const dirty = await runCli(['quota:reconcile']);
      assert.equal(dirty.code, 1, dirty.stderr);
      assert.match(dirty.stdout, new RegExp(`user ${agentA.id} ${agentA.username}: stored 150\\.01/0\\.00, ledger sum 150\\.00/0\\.00`));
    } finally {
      await db().query('UPDATE quota_accounts SET balance = balance - 0.01 WHERE user_id = :id', { replacements: { id: agentA.id } });
    }
  });
});
