import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { CardKey, CardKeyBatch, QuotaLedgerEntry } from '../../models/index.js';
import { CODE_PATTERN } from './codes.js';
import { failAsyncBatch, generateCardKeys } from './generateCardKeys.js';
import { grantAuthorization, revokeAuthorization } from '../projects/authorizations.js';
import { InsufficientQuotaError } from '../quota/ledger.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { startWorker } from '../../../worker/index.js';
import { balanceOf, makeWorld, recharge, until, type World } from '../../../test/support/cardKeys.js';

async function ledgerSum(userId: number): Promise<string> {
  const rows = await db().query<{ s: string }>(`SELECT COALESCE(SUM(balance_delta), 0)::numeric(16,2)::text AS s FROM quota_ledger WHERE user_id = :u`, {
    replacements: { u: userId },
    type: QueryTypes.SELECT,
  });
  return rows[0]!.s;
}

describe('card-key generation', () => {
  let w: World;
  before(async () => {
    w = await makeWorld('gen');
  });

  it('creates the batch, every key and the ledger row together; codes are well-formed and unique', async () => {
    await recharge(w.agent.id, '100.00');
    const { batch, async } = await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '30天', count: 40 });
    assert.equal(async, false);
    assert.equal(batch.status, 'completed');
    assert.equal(batch.totalCost, '100.00');
    const keys = await CardKey.findAll({ where: { batchId: batch.id } });
    assert.equal(keys.length, 40);
    assert.equal(new Set(keys.map((k) => k.code)).size, 40);
    for (const k of keys) {
      assert.match(k.code, CODE_PATTERN);
      assert.equal(k.status, 'unused');
      assert.equal(k.durationDays, 30);
      assert.equal(k.activatedAt, null);
    }
    assert.equal(await balanceOf(w.agent.id), '0.00');
    const ledger = await QuotaLedgerEntry.findOne({ where: { userId: w.agent.id, type: 'card_key_generation' } });
    assert.equal(ledger!.balanceDelta, '-100.00');
    assert.equal(ledger!.referenceId, String(batch.id));
  });

  it('refuses a shortage with nothing created', async () => {
    const before = await CardKeyBatch.count();
    const keysBefore = await CardKey.count();
    await recharge(w.otherAgent.id, '9.99');
    await assert.rejects(
      generateCardKeys({ actor: w.otherAgent, agentId: w.otherAgent.id, projectId: w.project.id, validityLabel: '1天', count: 10 }),
      (err: unknown) => err instanceof InsufficientQuotaError && err.status === 409 && /额度不足/.test(err.message),
    );
    assert.equal(await CardKeyBatch.count(), before);
    assert.equal(await CardKey.count(), keysBefore);
    assert.equal(await balanceOf(w.otherAgent.id), '9.99');
  });

  it('never overspends under 20 concurrent generations, and the ledger replays to the balance', async () => {
    await recharge(w.strayAgent.id, '50.00');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        generateCardKeys({ actor: w.strayAgent, agentId: w.strayAgent.id, projectId: w.project.id, validityLabel: '30天', count: 3 }).then(
          (r) => r.batch.id,
          (err) => (err instanceof InsufficientQuotaError ? null : Promise.reject(err)),
        ),
      ),
    );
    const ok = results.filter((id): id is number => id !== null);
    assert.equal(ok.length, 6); // 6 × 7.50 = 45.00 ≤ 50.00 < 52.50
    assert.equal(await balanceOf(w.strayAgent.id), '5.00');
    assert.equal(await ledgerSum(w.strayAgent.id), '5.00');
    assert.equal(await CardKeyBatch.count({ where: { agentId: w.strayAgent.id } }), 6);
    assert.equal(await CardKey.count({ where: { agentId: w.strayAgent.id } }), 18);
    const refs = (await QuotaLedgerEntry.findAll({ where: { userId: w.strayAgent.id, type: 'card_key_generation' } })).map((l) => Number(l.referenceId));
    assert.deepEqual(refs.sort(), [...ok].sort());
  });

  it('checks who may generate for whom, authorization, validity and count', async () => {
    const base = { projectId: w.project.id, validityLabel: '1天', count: 1 };
    await assert.rejects(generateCardKeys({ ...base, actor: w.agent, agentId: w.otherAgent.id }), { status: 403 });
    await assert.rejects(generateCardKeys({ ...base, actor: w.agent, agentId: w.agent.id, count: 0 }), { status: 400 });
    await assert.rejects(generateCardKeys({ ...base, actor: w.agent, agentId: w.agent.id, count: 100_001 }), { status: 400 });
    await assert.rejects(generateCardKeys({ ...base, actor: w.agent, agentId: w.agent.id, validityLabel: '7天' }), { status: 400 });
    await assert.rejects(generateCardKeys({ ...base, actor: w.admin, agentId: w.strayAgent.id }), { status: 403 });
    await recharge(w.otherAgent.id, '1.00');
    const byAdmin = await generateCardKeys({ ...base, actor: w.admin, agentId: w.otherAgent.id });
    assert.equal(byAdmin.batch.agentId, w.otherAgent.id);

    const auth = await grantAuthorization({ actor: w.admin, projectId: w.project.id, agentId: w.otherAgent.id, expiresAt: new Date(Date.now() + 60_000) });
    await revokeAuthorization({ actor: w.admin, authorizationId: auth.id });
    await assert.rejects(generateCardKeys({ ...base, actor: w.otherAgent, agentId: w.otherAgent.id }), { reason: 'NOT_AUTHORIZED' });
    await grantAuthorization({ actor: w.admin, projectId: w.project.id, agentId: w.otherAgent.id, expiresAt: new Date(Date.now() + 60_000) });
    await db().query(`UPDATE project_authorizations SET expires_at = now() - interval '1 second' WHERE id = :id`, { replacements: { id: auth.id } });
    await assert.rejects(generateCardKeys({ ...base, actor: w.otherAgent, agentId: w.otherAgent.id }), { reason: 'AUTHORIZATION_EXPIRED' });
    await grantAuthorization({ actor: w.root, projectId: w.project.id, agentId: w.otherAgent.id });
  });

  it('runs large batches in the worker: paid up front, keys appear all at once, a final failure refunds', async () => {
    await updateSetting('card_key.async_batch_threshold', 5, w.root);
    const worker = await startWorker({ only: ['card-keys'] });
    try {
      await recharge(w.agent.id, '25.00');
      const { batch, async } = await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '30天', count: 10 });
      assert.equal(async, true);
      assert.equal(batch.status, 'generating');
      assert.equal(await balanceOf(w.agent.id), '0.00');
      const done = await until(async () => {
        const b = await CardKeyBatch.findByPk(batch.id);
        return b!.status === 'completed' ? b : null;
      }, 'async batch');
      assert.equal(done.progress, 100);
      assert.equal(await CardKey.count({ where: { batchId: batch.id } }), 10);

      await worker.close();
      await recharge(w.agent.id, '15.00');
      const stuck = await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '30天', count: 6 });
      assert.equal(await balanceOf(w.agent.id), '0.00');
      assert.equal(await failAsyncBatch(stuck.batch.id, 'test: worker gave up'), true);
      assert.equal(await failAsyncBatch(stuck.batch.id, 'again'), false);
      assert.equal((await CardKeyBatch.findByPk(stuck.batch.id))!.status, 'failed');
      assert.equal(await CardKey.count({ where: { batchId: stuck.batch.id } }), 0);
      assert.equal(await balanceOf(w.agent.id), '15.00');
      assert.equal(await ledgerSum(w.agent.id), '15.00');
    } finally {
      await worker.close().catch(() => undefined);
      await updateSetting('card_key.async_batch_threshold', 5000, w.root);
    }
  });
});
