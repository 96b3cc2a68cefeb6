import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { AdminUser, OperationLog, QuotaTransfer } from '../../models/index.js';
import { fromCents, reviewTransfer, toCents, transferQuota } from './index.js';
import { reconcileQuota } from './reconcileQuota.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { account, fund, latestNotification, makeCast, makeUser, refused, replay, snapshot, type TestUser } from '../../../test/support/quota.js';

/** The ledger rows of one transfer, in application order. */
async function transferLedger(transferId: number): Promise<Array<{ user_id: number; type: string; balance_delta: string; frozen_delta: string }>> {
  return db().query(
    `SELECT user_id, type, balance_delta::text, frozen_delta::text FROM quota_ledger
      WHERE reference_type = 'quota_transfer' AND reference_id = :id ORDER BY id`,
    { replacements: { id: String(transferId) }, type: QueryTypes.SELECT },
  );
}

async function replaysToAccount(user: TestUser): Promise<void> {
  const r = await replay(user.id);
  const a = await account(user.id);
  assert.deepEqual([r.balance, r.frozen, r.lastBalance, r.lastFrozen], [a.balance, a.frozen, a.balance, a.frozen], `ledger of ${user.username} replays`);
}

/**
 * 部分处理 of a held transfer: the super admin lets part of the frozen amount through
 * to the recipient and the rest goes back to the sender, in one transaction.
 */
describe('quota transfer review: partial approval (部分处理)', function () {
  this.timeout(60_000);
  let root: TestUser, admin: TestUser, agentA: TestUser, agentB: TestUser;

  before(async () => {
    ({ root, admin1: admin, agentA, agentB } = await makeCast('qp'));
    await fund(root, agentA, '100000.00');
    await updateSetting('quota.transfer_review_threshold', 100, root);
    await updateSetting('quota.transfer_burst_count', 1000, root);
  });
  after(async () => {
    await updateSetting('quota.transfer_review_threshold', 10000, root);
    await updateSetting('quota.transfer_burst_count', 10, root);
  });

  const hold = async (amount: string, from = agentA, to = agentB): Promise<number> => {
    const t = await transferQuota({ actor: from, recipientUsername: to.username, amount });
    assert.equal(t.status, 'pending_review');
    return t.transferId;
  };

  it('moves exactly the approved part, returns the rest; ledgers replay, reconcile passes; both sides notified and logged', async () => {
    const aBefore = await account(agentA.id);
    const bBefore = await account(agentB.id);
    const id = await hold('300');
    assert.deepEqual(await account(agentA.id), { balance: fromCents(toCents(aBefore.balance) - 30000n), frozen: '300.00' });

    const result = await reviewTransfer({ actor: root, transferId: id, decision: 'partial', approvedAmount: '120.5', opinion: '仅核实部分款项', ip: '10.9.8.7' });
    assert.deepEqual(result, { transferId: id, status: 'partial', approvedAmount: '120.50', replayed: false });

    assert.deepEqual(await account(agentA.id), { balance: fromCents(toCents(aBefore.balance) - 12050n), frozen: '0.00' });
    assert.deepEqual(await account(agentB.id), { balance: fromCents(toCents(bBefore.balance) + 12050n), frozen: bBefore.frozen });
    assert.deepEqual(
      (await transferLedger(id)).map((r) => [r.user_id, r.type, r.balance_delta, r.frozen_delta]),
      [
        [agentA.id, 'transfer_freeze', '-300.00', '300.00'],
        [agentA.id, 'transfer_out', '0.00', '-120.50'],
        [agentA.id, 'transfer_unfreeze', '179.50', '-179.50'],
        [agentB.id, 'transfer_in', '120.50', '0.00'],
      ],
      'the review applies in account-id order: the sender (older account) first',
    );
    const [{ net }] = await db().query<{ net: string }>(
      `SELECT SUM(balance_delta + frozen_delta)::text AS net FROM quota_ledger WHERE reference_type = 'quota_transfer' AND reference_id = :id`,
      { replacements: { id: String(id) }, type: QueryTypes.SELECT },
    ) as [{ net: string }];
    assert.equal(net, '0.00', 'a partial approval creates and destroys nothing');
    await replaysToAccount(agentA);
    await replaysToAccount(agentB);
    const reconciled = await reconcileQuota();
    assert.deepEqual(reconciled.mismatches.filter((m) => [agentA.id, agentB.id].includes(m.userId)), []);
    assert.equal(reconciled.internalMovesNet, '0.00');

    const transfer = (await QuotaTransfer.findByPk(id))!;
    assert.equal(transfer.status, 'partial');
    assert.equal(transfer.amount, '300.00', 'the held amount stays on record');
    assert.equal(transfer.approvedAmount, '120.50');
    assert.equal(transfer.reviewerId, root.id);
    assert.equal(transfer.reviewOpinion, '仅核实部分款项');
    assert.ok(transfer.reviewedAt);

    const toSender = (await latestNotification(agentA.id))!;
    assert.equal(toSender.event, 'quota.transfer_partially_approved');
    assert.match(toSender.body, /120\.50 已转给对方，其余 179\.50 已解冻退回。审核意见：仅核实部分款项/);
    const toRecipient = (await latestNotification(agentB.id))!;
    assert.equal(toRecipient.event, 'quota.transfer_received');
    assert.match(toRecipient.body, /向您转入 120\.50 额度/);

    const logs = await OperationLog.findAll({ where: { resource: 'quota_transfers', recordId: String(id), action: 'review_partial' } });
    assert.deepEqual(logs.map((l) => l.ownerId).sort(), [agentA.id, agentB.id].sort());
    assert.ok(logs.every((l) => l.actorId === root.id && l.ip === '10.9.8.7'));
    assert.deepEqual((logs[0]!.after as Record<string, unknown>).approvedAmount, '120.50');

    // Reviewed once: any second review is refused and changes nothing.
    const everyone = [root.id, agentA.id, agentB.id];
    for (const again of [
      { decision: 'partial', approvedAmount: '10', opinion: '再来一次' },
      { decision: 'approve' },
      { decision: 'reject', opinion: 'x' },
    ]) {
      const before = await snapshot(everyone);
      await refused(reviewTransfer({ actor: root, transferId: id, ...again }), 'TRANSFER_NOT_PENDING', /不在待审核状态/);
      assert.deepEqual(await snapshot(everyone), before);
    }
  });

  it('every refusal says why and changes nothing', async () => {
    const heldId = await hold('200');
    const completed = await transferQuota({ actor: agentA, recipientUsername: agentB.username, amount: '5' });
    assert.equal(completed.status, 'completed');
    const rejectedId = await hold('150');
    await reviewTransfer({ actor: root, transferId: rejectedId, decision: 'reject', opinion: '拒绝' });
    const frozenRecipient = await makeUser('qp_frz', 'agent', admin.id);
    const toFrozenId = await hold('180', agentA, frozenRecipient);
    await AdminUser.update({ status: 'frozen' }, { where: { id: frozenRecipient.id } });

    const partial = (actor: TestUser, transferId: number, approvedAmount: unknown, opinion: unknown = '部分核实') =>
      () => reviewTransfer({ actor, transferId, decision: 'partial', approvedAmount, opinion });
    const cases: Array<[string, () => Promise<unknown>, string, RegExp]> = [
      ['zero', partial(root, heldId, '0'), 'INVALID_AMOUNT', /放行额度必须大于 0/],
      ['zero with decimals', partial(root, heldId, '0.00'), 'INVALID_AMOUNT', /放行额度必须大于 0/],
      ['negative', partial(root, heldId, '-5'), 'INVALID_AMOUNT', /放行额度必须是最多两位小数的正数/],
      ['the whole held amount', partial(root, heldId, '200'), 'ABOVE_MAXIMUM', /必须小于转账额度 200\.00/],
      ['the whole held amount, written differently', partial(root, heldId, '200.00'), 'ABOVE_MAXIMUM', /必须小于转账额度 200\.00/],
      ['more than held', partial(root, heldId, '200.01'), 'ABOVE_MAXIMUM', /必须小于转账额度 200\.00/],
      ['far more than held', partial(root, heldId, 999999), 'ABOVE_MAXIMUM', /必须小于转账额度 200\.00/],
      ['too many decimals', partial(root, heldId, '10.001'), 'INVALID_AMOUNT', /最多两位小数/],
      ['not a number', partial(root, heldId, 'abc'), 'INVALID_AMOUNT', /正数/],
      ['malformed number', partial(root, heldId, '1.2.3'), 'INVALID_AMOUNT', /正数/],
      ['exponent', partial(root, heldId, '1e2'), 'INVALID_AMOUNT', /正数/],
      ['not a string', partial(root, heldId, { amount: 10 }), 'INVALID_AMOUNT', /正数/],
      ['missing amount', partial(root, heldId, undefined), 'INVALID_AMOUNT', /放行额度/],
      ['empty amount', partial(root, heldId, ''), 'INVALID_AMOUNT', /放行额度/],
      ['missing opinion', () => reviewTransfer({ actor: root, transferId: heldId, decision: 'partial', approvedAmount: '10' }), 'INVALID_INPUT', /部分处理时请填写审核意见/],
      ['blank opinion', partial(root, heldId, '10', '   '), 'INVALID_INPUT', /部分处理时请填写审核意见/],
      ['unknown decision', () => reviewTransfer({ actor: root, transferId: heldId, decision: 'partly', approvedAmount: '10', opinion: 'x' }), 'INVALID_INPUT', /放行、拒绝或部分处理/],
      ['an agent admin', partial(admin, heldId, '10'), 'QUOTA_FORBIDDEN', /只有超级管理员/],
      ['an agent (the sender)', partial(agentA, heldId, '10'), 'QUOTA_FORBIDDEN', /只有超级管理员/],
      ['a completed transfer', partial(root, completed.transferId, '1'), 'TRANSFER_NOT_PENDING', /不在待审核状态/],
      ['a rejected transfer', partial(root, rejectedId, '10'), 'TRANSFER_NOT_PENDING', /不在待审核状态/],
      ['a missing transfer', partial(root, 987654321, '10'), 'TRANSFER_NOT_FOUND', /不存在/],
      ['a frozen recipient', partial(root, toFrozenId, '10'), 'ACCOUNT_FROZEN', /对方账户已冻结/],
    ];
    const everyone = [root.id, admin.id, agentA.id, agentB.id, frozenRecipient.id];
    for (const [name, run, reason, message] of cases) {
      const before = await snapshot(everyone);
      await refused(run(), reason, message).catch((err: Error) => {
        throw new Error(`${name}: ${err.message}`);
      });
      assert.deepEqual(await snapshot(everyone), before, `${name} changed something`);
    }
    assert.equal((await QuotaTransfer.findByPk(heldId))!.status, 'pending_review');

    // Just below the held amount is fine.
    const ok = await reviewTransfer({ actor: root, transferId: heldId, decision: 'partial', approvedAmount: '199.99', opinion: '扣留 0.01' });
    assert.equal(ok.approvedAmount, '199.99');
    await replaysToAccount(agentA);
  });

  it('an idempotency key makes a retried partial review run once and replay its result', async () => {
    const id = await hold('400');
    const before = await account(agentB.id);
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        reviewTransfer({ actor: root, transferId: id, decision: 'partial', approvedAmount: '100', opinion: '部分', idempotencyKey: `partial-${id}` }),
      ),
    );
    assert.equal(runs.filter((r) => !r.replayed).length, 1);
    assert.ok(runs.every((r) => r.transferId === id && r.status === 'partial' && r.approvedAmount === '100.00'));
    assert.equal((await account(agentB.id)).balance, fromCents(toCents(before.balance) + 10000n));
    assert.equal((await transferLedger(id)).length, 4, 'freeze + out + unfreeze + in, once');
  });

  it('two reviews of one transfer at the same moment: exactly one wins, the other changes nothing', async () => {
    type Review = { decision: string; approvedAmount?: string; opinion?: string };
    const partial: Review = { decision: 'partial', approvedAmount: '40', opinion: '部分放行' };
    const pairs: Array<[Review, Review]> = [
      [partial, { decision: 'approve' }],
      [{ decision: 'approve' }, partial],
      [partial, { decision: 'reject', opinion: '拒绝' }],
      [{ decision: 'reject', opinion: '拒绝' }, partial],
      [partial, { decision: 'partial', approvedAmount: '70', opinion: '另一位管理员' }],
    ];
    const root2 = await makeUser('qp_root2', 'super_admin');
    const rounds = 3;
    for (const [first, second] of pairs) {
      for (let round = 0; round < rounds; round++) {
        const aBefore = await account(agentA.id);
        const bBefore = await account(agentB.id);
        const id = await hold('100.01');
        const outcomes = await Promise.allSettled([
          reviewTransfer({ actor: root, transferId: id, ...first }),
          reviewTransfer({ actor: root2, transferId: id, ...second }),
        ]);
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        const label = `${first.decision}+${second.decision}`;
        assert.equal(won.length, 1, `${label}: exactly one review wins`);
        assert.ok(lost[0]!.reason instanceof AppError && lost[0]!.reason.reason === 'TRANSFER_NOT_PENDING', `${label}: ${String(lost[0]!.reason)}`);

        const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof reviewTransfer>>>).value;
        const moved = toCents(winner.approvedAmount);
        assert.deepEqual(await account(agentA.id), { balance: fromCents(toCents(aBefore.balance) - moved), frozen: aBefore.frozen });
        assert.deepEqual(await account(agentB.id), { balance: fromCents(toCents(bBefore.balance) + moved), frozen: bBefore.frozen });
        const transfer = (await QuotaTransfer.findByPk(id))!;
        assert.equal(transfer.status, winner.status);
        const rows = await transferLedger(id);
        assert.equal(rows.filter((r) => r.type === 'transfer_freeze').length, 1);
        assert.equal(rows.length, { completed: 3, rejected: 2, partial: 4 }[winner.status], `${label}: one review's rows only`);
        const reviewLogs = (await OperationLog.findAll({ where: { resource: 'quota_transfers', recordId: String(id) } })).filter((l) => l.action !== 'transfer');
        const action = `review_${{ completed: 'approve', rejected: 'reject', partial: 'partial' }[winner.status]}`;
        assert.deepEqual(reviewLogs.map((l) => l.action), winner.status === 'rejected' ? [action] : [action, action], `${label}: only the winner is logged`);
      }
    }
    await replaysToAccount(agentA);
    await replaysToAccount(agentB);
    const reconciled = await reconcileQuota();
    assert.deepEqual(reconciled.mismatches.filter((m) => [agentA.id, agentB.id].includes(m.userId)), []);
    assert.equal(reconciled.internalMovesNet, '0.00');
  });
});
