import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatformCertificate, loadPrivateKey } from '../../server/wechat/keys.js';
import { WechatMiniClient } from '../../server/wechat/miniClient.js';
import { SignatureError, WechatPayClient } from '../../server/wechat/payClient.js';
import { nonceString, responseMessage, rsaSign, unixNow } from '../../server/wechat/payCrypto.js';
import { merchantKeys, WechatSimulator } from './sim.js';

describe('WeChat clients', () => {
  const merchant = merchantKeys();
  let sim: WechatSimulator;
  let mini: WechatMiniClient;
  before(async () => {
    sim = await new WechatSimulator({
      appId: 'wx_clients',
      appSecret: 'clients_secret',
      mchId: '1900000002',
      merchantPublicKey: merchant.publicKey,
      merchantSerial: merchant.serial,
      apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
    }).start();
    mini = new WechatMiniClient({ baseUrl: sim.url, appId: 'wx_clients', appSecret: 'clients_secret', timeoutMs: 5000, busyRetryDelayMs: 1 });
  });
  after(() => sim.close());

  it('caches the stable access token and refreshes it once when WeChat rejects it', async () => {
    await mini.sendSubscribeMessage({ touser: 'o_1', templateId: 'TPL', page: 'pages/index', data: { thing1: { value: '支付成功' } } });
    await mini.sendSubscribeMessage({ touser: 'o_1', templateId: 'TPL', data: { thing1: { value: '再次' } } });
    assert.equal(sim.requests.filter((r) => r.endpoint === 'stable_token').length, 1, 'token fetched once');
    assert.equal(sim.subscribeMessages.length, 2);

    // WeChat invalidates the token (another caller forced a refresh): we refresh once and resend.
    sim.inject('subscribe_send', { kind: 'fail', status: 200, body: { errcode: 40001, errmsg: 'invalid credential' } });
    await mini.sendSubscribeMessage({ touser: 'o_1', templateId: 'TPL', data: { thing1: { value: '第三次' } } });
    assert.equal(sim.requests.filter((r) => r.endpoint === 'stable_token').length, 2);
    assert.equal(sim.subscribeMessages.length, 3);
  });

  it('code2session gives up after repeated "busy" and reports a retryable error', async () => {
    sim.inject('jscode2session', { kind: 'fail', status: 200, body: { errcode: -1, errmsg: 'busy' } }, 3);
    await assert.rejects(mini.code2session(sim.issueCode('o_x')), (e: any) => e.wxCode === -1 && e.retryable === true);
  });

  it('a pay answer with a bad signature is not trusted', async () => {
    const client = new WechatPayClient({
      baseUrl: sim.url,
      appId: 'wx_clients',
      mchId: '1900000002',
      merchantPrivateKey: merchant.privateKey,
      merchantSerial: merchant.serial,
      apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
      payPublicKey: { id: sim.payKeyId, key: merchant.publicKey },
      timeoutMs: 5000,
    });
    await assert.rejects(
      client.prepayJsapi({ description: 'd', outTradeNo: 'BADSIG000001', timeExpire: new Date(Date.now() + 60_000), notifyUrl: 'http://127.0.0.1:9/n', totalFen: 1, openid: 'o' }),
      (e: any) => e.wxCode === 'RESPONSE_SIGNATURE',
    );
  });

  it('verifies signatures made with a platform certificate, chosen by its serial', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxcert-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=Tenpay.com Root CA'], { stdio: 'ignore' });
      const cert = loadPlatformCertificate(readFileSync(join(dir, 'c.pem'), 'utf8'));
      const key = loadPrivateKey(join(dir, 'k.pem'));
      const client = new WechatPayClient({
        baseUrl: sim.url,
        appId: 'wx_clients',
        mchId: '1900000002',
        merchantPrivateKey: merchant.privateKey,
        merchantSerial: merchant.serial,
        apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
        platformKeys: new Map([[cert.serial, cert.publicKey]]),
        timeoutMs: 5000,
      });
      const body = '{"ok":true}';
      const timestamp = String(unixNow());
      const nonce = nonceString();
      const signature = rsaSign(responseMessage(timestamp, nonce, body), key);
      client.verifySignature({ timestamp, nonce, signature, serial: cert.serial }, body);
      client.verifySignature({ timestamp, nonce, signature, serial: cert.serial.toLowerCase() }, body);
      assert.throws(() => client.verifySignature({ timestamp, nonce, signature, serial: 'ABCDEF' }, body), SignatureError);
      assert.throws(() => client.verifySignature({ timestamp, nonce, signature, serial: cert.serial }, `${body} `), SignatureError);
      assert.throws(
        () => client.verifySignature({ timestamp: String(unixNow() - 300), nonce, signature, serial: cert.serial }, body),
        /window/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
