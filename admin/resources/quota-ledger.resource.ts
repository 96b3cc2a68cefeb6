import { QuotaLedgerEntry } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `quota_ledger`. */
export const quotaLedgerResource = () =>
  defineResource(QuotaLedgerEntry, {
    navigation: 'quota',
    list: ['id', 'userId', 'type', 'balanceDelta', 'frozenDelta', 'balanceAfter', 'counterpartyId', 'createdAt'],
    filter: ['userId', 'type', 'counterpartyId', 'referenceType', 'referenceId', 'createdAt'],
    money: ['balanceDelta', 'frozenDelta', 'balanceAfter', 'frozenAfter'],
    textarea: ['memo'],
    actions: {},
  });
