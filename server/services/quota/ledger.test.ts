import assert from 'node:assert/strict';
import { inTransaction } from '../../db/index.js';
import { QuotaAccount, QuotaLedgerEntry } from '../../models/index.js';
import { createAdminUser } from '../identity/createAdminUser.js';
import { fromCents, multiply, parseAmount, toCents } from './amount.js';
import { applyQuotaChanges, InsufficientQuotaError } from './ledger.js';

describe('quota ledger primitive', () => {
  let a: number;
  let b: number;
  before(async () => {
    a = (await createAdminUser({ username: 'ledger_a', password: 'abcd1234', role: 'agent_admin' })).id;
    b = (await createAdminUser({ username: 'ledger_b', password: 'abcd1234', role: 'agent_admin' })).id;
  });

  it('parses amounts exactly, never through floats', () => {
    assert.equal(parseAmount('0.1'), '0.10');
    assert.equal(parseAmount(12.5), '12.50');
    assert.equal(fromCents(toCents('0.10') + toCents('0.20')), '0.30');
    assert.equal(multiply('0.35', 100000), '35000.00');
    for (const bad of ['-1', '0', '1.234', 'abc', '', '1e5', null]) assert.throws(() => parseAmount(bad), /额度/);
  });

  it('writes balance and ledger rows together and refuses to go below zero', async () => {
    await inTransaction((t) => applyQuotaChanges([{ userId: a, type: 'system_recharge', balanceDelta: '100.00' }], t));
    await assert.rejects(
      inTransaction((t) =>
        applyQuotaChanges(
          [
            { userId: a, type: 'recharge_out', balanceDelta: '-60.00', counterpartyId: b },
            { userId: b, type: 'recharge_in', balanceDelta: '60.00', counterpartyId: a },
            { userId: a, type: 'recharge_out', balanceDelta: '-60.00', counterpartyId: b },
          ],
          t,
        ),
      ),
      InsufficientQuotaError,
    );
    const account = await QuotaAccount.findByPk(a);
    assert.equal(account!.balance, '100.00');
    assert.equal(await QuotaLedgerEntry.count({ where: { userId: b } }), 0);
  });

  it('never overdraws under concurrent spends', async () => {
    const spends = Array.from({ length: 30 }, () =>
      inTransaction((t) => applyQuotaChanges([{ userId: a, type: 'card_key_generation', balanceDelta: '-7.00' }], t)).then(
        () => 'ok',
        (e) => (e instanceof InsufficientQuotaError ? 'refused' : Promise.reject(e)),
      ),
    );
    const results = await Promise.all(spends);
    assert.equal(results.filter((r) => r === 'ok').length, 14);
    const account = await QuotaAccount.findByPk(a);
    assert.equal(account!.balance, '2.00');
    const [sum] = (await QuotaLedgerEntry.sequelize!.query(
      'SELECT COALESCE(SUM(balance_delta), 0)::text AS s FROM quota_ledger WHERE user_id = :a',
      { replacements: { a }, plain: false, type: 'SELECT' },
    )) as Array<{ s: string }>;
    assert.equal(sum!.s, '2.00');
  });
});
