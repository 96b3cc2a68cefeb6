import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';

describe('config: TRUST_PROXY', () => {
  const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).TRUST_PROXY;

  it('takes false, a hop count, or proxy addresses and CIDRs', () => {
    assert.equal(loadConfig({}).TRUST_PROXY, false);
    assert.equal(trust('false'), false);
    assert.equal(trust('0'), false);
    assert.equal(trust('1'), 1);
    assert.equal(trust('2'), 2);
    assert.deepEqual(trust('10.0.0.0/8, 127.0.0.1,::1,fd00::/8'), ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8']);
    assert.deepEqual(trust('loopback,uniquelocal'), ['loopback', 'uniquelocal']);
  });

  it('refuses "true" (it would trust any client\'s own X-Forwarded-For) and anything that is not an address', () => {
    for (const bad of ['true', 'yes', '10.0.0.0/33', 'proxy.example.com', '1.2.3.4/8/8', ',']) {
      assert.throws(() => trust(bad), (err: unknown) => err instanceof ConfigError && /TRUST_PROXY/.test(err.message), bad);
    }
  });
});
