import assert from 'node:assert/strict';
import { config, setConfig } from '../config.js';
import { checkTargetSyntax, isInternalAddress, TargetRefused } from './outboundTarget.js';

describe('outbound targets (SSRF guard)', () => {
  it('classifies internal addresses in every spelling', () => {
    for (const ip of ['127.0.0.1', '127.9.9.9', '0.0.0.0', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.254', '224.0.0.1', '255.255.255.255', '::', '::1', '::ffff:7f00:1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '64:ff9b::7f00:1', '2002:7f00:1::1']) {
      assert.equal(isInternalAddress(ip), true, ip);
    }
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(isInternalAddress(ip), false, ip);
  });

  it('refuses internal hosts written as numbers, hex, IPv4-mapped IPv6 or localhost names', () => {
    const previous = config();
    setConfig({ ...previous, CALLBACK_ALLOWED_HOSTS: [] });
    try {
      for (const u of ['http://0x7f000001/', 'http://2130706433/', 'http://127.1/', 'http://[::ffff:7f00:1]/', 'http://[::1]:8080/', 'http://169.254.169.254/latest/meta-data/', 'http://localhost:3000/', 'http://a.localhost/', 'ftp://example.com/']) {
        assert.throws(() => checkTargetSyntax(new URL(u)), TargetRefused, u);
      }
      assert.deepEqual(checkTargetSyntax(new URL('https://hooks.example.com/x')), { allowListed: false });
      setConfig({ ...previous, CALLBACK_ALLOWED_HOSTS: ['127.0.0.1:8080', '[::1]:*'] });
      assert.deepEqual(checkTargetSyntax(new URL('http://127.0.0.1:8080/')), { allowListed: true });
      assert.deepEqual(checkTargetSyntax(new URL('http://[::1]:9/')), { allowListed: true });
      assert.throws(() => checkTargetSyntax(new URL('http://127.0.0.1:8081/')), TargetRefused);
      setConfig({ ...previous, CALLBACK_ALLOWED_HOSTS: [], NODE_ENV: 'production', isProduction: true });
      assert.throws(() => checkTargetSyntax(new URL('http://hooks.example.com/')), (e: unknown) => e instanceof TargetRefused && e.reason === 'HTTPS_REQUIRED');
    } finally {
      setConfig(previous);
    }
  });
});
