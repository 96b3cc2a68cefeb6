import assert from 'node:assert/strict';
import { addressBucket } from './clientAddress.js';

describe('addressBucket (per-address limits)', () => {
  it('counts IPv4 addresses one by one, also when IPv4-mapped', () => {
    assert.equal(addressBucket('203.0.113.7'), '203.0.113.7');
    assert.equal(addressBucket('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(addressBucket('::ffff:cb00:7107'), '203.0.113.7');
  });

  it('counts an IPv6 /64 as one client, however it is written', () => {
    const a = addressBucket('2001:db8:1:2::1');
    assert.equal(a, '2001:db8:1:2::/64');
    assert.equal(addressBucket('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), a);
    assert.equal(addressBucket('2001:DB8:1:2:0:0:0:9'), a);
    assert.notEqual(addressBucket('2001:db8:1:3::1'), a);
    assert.equal(addressBucket('::1'), '0:0:0:0::/64');
    assert.equal(addressBucket('fe80::1%eth0'), 'fe80:0:0:0::/64');
  });

  it('leaves anything else as it is', () => {
    assert.equal(addressBucket('unknown'), 'unknown');
  });
});
