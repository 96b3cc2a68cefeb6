import assert from 'node:assert/strict';
import { ApiKey } from '../../models/index.js';
import { businessDay, flushKeyUsageJob, recordKeyUse, sendKeyUses } from './usage.js';
import { newKey, newMiniUser } from '../../../test/support/apiKeys.js';

describe('worker job api-keys.flush-usage', () => {
  it('copies the Redis counters into the keys', async () => {
    const userId = await newMiniUser(0);
    const { id } = await newKey(userId);
    const at = new Date();
    recordKeyUse(id, at);
    recordKeyUse(id, at);
    await sendKeyUses();
    const result = (await flushKeyUsageJob.runNow({})) as { keys: number };
    assert.ok(result.keys >= 1);
    const key = await ApiKey.findByPk(id);
    assert.equal(key!.callsToday, 2);
    assert.equal(key!.callsDay, businessDay(at));
    assert.equal(key!.lastUsedAt!.getTime(), at.getTime());
  });
});
