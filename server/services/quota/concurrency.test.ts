import assert from 'node:assert/strict';
import { inTransaction } from '../../db/index.js';
import { AppError } from '../../errors.js';
import {
  applyQuotaChanges,
  cancelWithdrawal,
  fromCents,
  rechargeUser,
  requestWithdrawal,
  reviewTransfer,
  reviewWithdrawal,
  toCents,
  transferQuota,
} from './index.js';
import { reconcileQuota } from './reconcileQuota.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { account, fund, makeUser, replay, type TestUser } from '../../../test/support/quota.js';

/** Deterministic pseudo-random numbers, so a failing mix can be run again. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('quota under concurrency', function () {
  this.timeout(180_000);
  let root: TestUser;

  before(async () => {
    root = await makeUser('qc_root', 'super_admin', null, false);
  });

  it('200 parallel recharges, transfers both ways, withdrawals and spends across 20 agents keep every invariant', async () => {
    const admins = [await makeUser('qc_adm1', 'agent_admin', null, false), await makeUser('qc_adm2', 'agent_admin', null, false)];
    const agents: TestUser[] = [];
    for (let i = 0; i < 20; i++) agents.push(await makeUser(`qc_ag${i}`, 'agent', admins[i % 2]!.id, false));
    let created = 0n; // cents created by system recharges
    let spent = 0n;
    let paid = 0n;
    for (const admin of admins) {
      await fund(root, admin, '20000.00');
      created += toCents('20000.00');
    }
    for (const agent of agents) await rechargeUser({ actor: admins.find((a) => a.id === agent.parentId)!, targetUserId: agent.id, amount: '1500' });
    // Transfers over 400 are held and reviewed inside the run; the burst rule would hold most of them.
    await updateSetting('quota.transfer_review_threshold', 400, root);
    await updateSetting('quota.transfer_burst_count', 1000, root);
    // Withdrawals are reviewed for payment here, not held as abnormal (that is reviewHeldWithdrawal's test).
    await updateSetting('quota.withdrawal_review_balance_percent', 100, root);
    await updateSetting('quota.withdrawal_daily_max', 1000, root);

    const random = prng(20261122);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
    const amountBetween = (lo: number, hi: number): string => fromCents(BigInt(Math.floor((lo + random() * (hi - lo)) * 100)));
    const parentOf = (agent: TestUser) => admins.find((a) => a.id === agent.parentId)!;
    const outcomes = { ok: 0, refused: 0, reviewedTransfers: 0, paidWithdrawals: 0 };
    const failures: unknown[] = [];

    const ops: Array<() => Promise<void>> = [];
    for (let i = 0; i < 200; i++) {
      const agent = pick(agents);
      const roll = random();
      if (roll < 0.12) {
        const amount = amountBetween(1, 800);
        ops.push(async () => {
          await rechargeUser({ actor: root, targetUserId: agent.id, amount });
          created += toCents(amount);
        });
      } else if (roll < 0.27) {
        const amount = amountBetween(1, 1500);
        ops.push(async () => void (await rechargeUser({ actor: parentOf(agent), targetUserId: agent.id, amount })));
      } else if (roll < 0.62) {
        let other = pick(agents);
        while (other.id === agent.id) other = pick(agents);
        const amount = amountBetween(1, 500);
        const back = amountBetween(1, 500);
        const decision = random() < 0.5 ? 'approve' : 'reject';
        // Each pair moves both ways at once: A→B and B→A racing for the same two accounts.
        for (const [from, to, a] of [[agent, other, amount], [other, agent, back]] as const) {
          ops.push(async () => {
            const t = await transferQuota({ actor: from, recipientUsername: to.username, amount: a });
            if (t.status === 'pending_review') {
              await reviewTransfer({ actor: root, transferId: t.transferId, decision, opinion: '并发审核' });
              outcomes.reviewedTransfers++;
            }
          });
        }
        i++;
      } else if (roll < 0.8) {
        const amount = amountBetween(100, 600);
        const fate = pick(['approve', 'reject', 'cancel', 'pending'] as const);
        ops.push(async () => {
          const w = await requestWithdrawal({ actor: agent, amount, accountInfo: '银行卡 6222' });
          if (fate === 'approve') {
            await reviewWithdrawal({ actor: parentOf(agent), withdrawalId: w.withdrawalId, decision: 'approve', paymentReference: `PAY-${w.withdrawalId}` });
            paid += toCents(amount);
            outcomes.paidWithdrawals++;
          } else if (fate === 'reject') {
            await reviewWithdrawal({ actor: root, withdrawalId: w.withdrawalId, decision: 'reject', opinion: '信息不符' });
          } else if (fate === 'cancel') {
            await cancelWithdrawal({ actor: agent, withdrawalId: w.withdrawalId });
          }
        });
      } else {
        const amount = amountBetween(1, 300);
        ops.push(async () => {
          await inTransaction((t) =>
            applyQuotaChanges([{ userId: agent.id, type: 'card_key_generation', balanceDelta: `-${amount}`, reference: { type: 'card_key_batch', id: i } }], t),
          );
          spent += toCents(amount);
        });
      }
    }
    assert.equal(ops.length >= 200, true);

    try {
      await Promise.all(
        ops.map((op) =>
          op().then(
            () => void outcomes.ok++,
            (err: unknown) => {
              // Running out of quota is a legitimate answer under contention; anything else is a bug.
              if (err instanceof AppError && err.reason === 'INSUFFICIENT_QUOTA') outcomes.refused++;
              else failures.push(err);
            },
          ),
        ),
      );
    } finally {
      await updateSetting('quota.transfer_review_threshold', 10000, root);
      await updateSetting('quota.transfer_burst_count', 10, root);
      await updateSetting('quota.withdrawal_review_balance_percent', 80, root);
      await updateSetting('quota.withdrawal_daily_max', 3, root);
    }

    assert.deepEqual(failures, [], 'no deadlock, serialization or other error reaches the caller');
    assert.ok(outcomes.ok > 150, `most operations succeed: ${JSON.stringify(outcomes)}`);
    assert.ok(outcomes.reviewedTransfers > 0 && outcomes.paidWithdrawals > 0, `the mix exercised holds and payouts: ${JSON.stringify(outcomes)}`);

    let total = 0n;
    for (const user of [root, ...admins, ...agents]) {
      const stored = await account(user.id);
      assert.ok(toCents(stored.balance) >= 0n && toCents(stored.frozen) >= 0n);
      const r = await replay(user.id);
      assert.deepEqual(
        { balance: r.balance, frozen: r.frozen, lastBalance: r.lastBalance, lastFrozen: r.lastFrozen },
        { balance: stored.balance, frozen: stored.frozen, lastBalance: stored.balance, lastFrozen: stored.frozen },
        `ledger of ${user.username} replays to its account`,
      );
      total += toCents(stored.balance) + toCents(stored.frozen);
    }
    assert.equal(fromCents(total), fromCents(created - spent - paid), 'total quota = system recharges − spent − paid withdrawals');

    const ours = new Set([root, ...admins, ...agents].map((u) => u.id));
    const { mismatches } = await reconcileQuota();
    assert.deepEqual(mismatches.filter((m) => ours.has(m.userId)), []);
  });

  it('A→B and B→A at the same moment both complete', async () => {
    const a = await makeUser('qc_A', 'agent', null, false);
    const b = await makeUser('qc_B', 'agent', null, false);
    await fund(root, a, '1000.00');
    await fund(root, b, '1000.00');
    const rounds = 25;
    const results = await Promise.all(
      Array.from({ length: rounds }, () => [
        transferQuota({ actor: a, recipientUsername: b.username, amount: '10.01' }),
        transferQuota({ actor: b, recipientUsername: a.username, amount: '3.50' }),
      ]).flat(),
    );
    // The burst rule holds transfers beyond the 10th in the window; those stay frozen on their sender.
    const completedAB = results.filter((r, i) => i % 2 === 0 && r.status === 'completed').length;
    const completedBA = results.filter((r, i) => i % 2 === 1 && r.status === 'completed').length;
    const heldAB = rounds - completedAB;
    const heldBA = rounds - completedBA;
    assert.equal(completedAB, 10);
    assert.equal(completedBA, 10);
    const cents = (n: number, unit: string) => toCents(unit) * BigInt(n);
    const aAfter = toCents('1000.00') - cents(completedAB + heldAB, '10.01') + cents(completedBA, '3.50');
    const bAfter = toCents('1000.00') - cents(completedBA + heldBA, '3.50') + cents(completedAB, '10.01');
    assert.deepEqual(await account(a.id), { balance: fromCents(aAfter), frozen: fromCents(cents(heldAB, '10.01')) });
    assert.deepEqual(await account(b.id), { balance: fromCents(bAfter), frozen: fromCents(cents(heldBA, '3.50')) });
    for (const u of [a, b]) {
      const r = await replay(u.id);
      const stored = await account(u.id);
      assert.deepEqual([r.balance, r.frozen, r.lastBalance, r.lastFrozen], [stored.balance, stored.frozen, stored.balance, stored.frozen]);
    }
  });
});
