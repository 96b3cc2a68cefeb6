import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { db } from '../../db/index.js';
import { CardKey } from '../../models/index.js';
import { generateCardKeys } from './generateCardKeys.js';
import { invalidationsLive, startInvalidationListener, stopInvalidationListener } from './invalidation.js';
import { getKeyState, peekKeyState } from './keyCache.js';
import { setCardKeysEnabled, unbindCardKey } from './lifecycle.js';
import type { CardKeyClient, VerifyAnswer } from '../../../examples/client/cardKeyClient.js';
import { until } from '../../../test/support/until.js';
import { clientFor, makeWorld, recharge, type World } from '../../../test/support/cardKeys.js';

/** Asks the other process until it gives the new answer; the spec allows it one second to hear of a change. */
async function answerWithinOneSecond(ask: () => Promise<VerifyAnswer>, expected: string): Promise<{ answer: VerifyAnswer; ms: number }> {
  const start = Date.now();
  const answer = await until(async () => {
    const a = await ask();
    return a.reason === expected && a;
  }, `${expected} from the other process`, 1000);
  return { answer, ms: Date.now() - start };
}

describe('card-key cache invalidation across processes', () => {
  let child: ChildProcess;
  let remote: CardKeyClient;
  let w: World;
  let keys: CardKey[];

  before(async function () {
    this.timeout(60_000);
    w = await makeWorld('inval');
    await recharge(w.agent.id, '100.00');
    const { batch } = await generateCardKeys({ actor: w.agent, agentId: w.agent.id, projectId: w.project.id, validityLabel: '30天', count: 3 });
    keys = await CardKey.findAll({ where: { batchId: batch.id }, order: [['id', 'ASC']] });
    child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../../test/support/secondInstance.ts', import.meta.url))], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    remote = clientFor((JSON.parse(line.toString()) as { url: string }).url, w);
  });
  after(() => {
    if (child?.pid) process.kill(child.pid, 'SIGTERM');
  });

  it('the other process answers a bound key from its cache, and hears of a disable at once', async () => {
    const code = keys[0]!.code;
    assert.equal((await remote.verify(code, 'dev-1')).reason, 'OK');
    assert.equal((await remote.verify(code, 'dev-1')).reason, 'OK');
    // A write that bypasses the services (and so publishes nothing) is invisible to the other process: it is not reading the database.
    await db().query(`UPDATE card_keys SET status = 'disabled' WHERE code = :code`, { replacements: { code } });
    assert.equal((await remote.verify(code, 'dev-1')).reason, 'OK');
    await db().query(`UPDATE card_keys SET status = 'active' WHERE code = :code`, { replacements: { code } });

    await setCardKeysEnabled({ actor: w.agent, ids: [keys[0]!.id], enabled: false });
    const { answer, ms } = await answerWithinOneSecond(() => remote.verify(code, 'dev-1'), 'DISABLED');
    assert.equal(answer.reason, 'DISABLED');
    assert.ok(ms < 1000);
  });

  it('hears of an unbind at once: the key can be bound by a new device there', async () => {
    const code = keys[1]!.code;
    assert.equal((await remote.verify(code, 'dev-A')).reason, 'OK');
    assert.equal((await remote.verify(code, 'dev-B')).reason, 'DEVICE_MISMATCH');
    await unbindCardKey({ actor: w.agent, cardKeyId: keys[1]!.id });
    const { answer, ms } = await answerWithinOneSecond(() => remote.verify(code, 'dev-B'), 'OK');
    assert.deepEqual([answer.reason, answer.activated], ['OK', true]);
    assert.ok(ms < 1000);
  });

  it('this process serves nothing from its key cache while not subscribed, and starts empty when subscribed again', async () => {
    const code = keys[2]!.code;
    await startInvalidationListener();
    assert.equal(invalidationsLive(), true);
    assert.equal((await getKeyState(code))!.status, 'unused');
    // Proof that it is cached: a write that publishes nothing is not seen.
    await db().query(`UPDATE card_keys SET status = 'disabled' WHERE code = :code`, { replacements: { code } });
    assert.equal(peekKeyState(code)?.status, 'unused');

    stopInvalidationListener(); // as when the Redis subscription drops
    assert.equal(invalidationsLive(), false);
    assert.equal(peekKeyState(code), undefined, 'nothing served from cache');
    assert.equal((await getKeyState(code))!.status, 'disabled', 'read from the database');
    await db().query(`UPDATE card_keys SET status = 'unused' WHERE code = :code`, { replacements: { code } });
    assert.equal((await getKeyState(code))!.status, 'unused', 'and nothing cached meanwhile');

    await startInvalidationListener();
    assert.equal(invalidationsLive(), true);
    assert.equal(peekKeyState(code), undefined, 'starts empty');
    assert.equal((await getKeyState(code))!.status, 'unused');
    assert.equal(peekKeyState(code)?.status, 'unused', 'and caches again');
  });
});
