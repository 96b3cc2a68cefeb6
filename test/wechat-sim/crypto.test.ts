import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { WechatPayClient } from '../../server/wechat/payClient.js';
import {
  decryptResource,
  encryptResource,
  paySignMessage,
  parseAuthorization,
  requestMessage,
  responseMessage,
  rsaSign,
  rsaVerify,
} from '../../server/wechat/payCrypto.js';
import { merchantKeys, WechatSimulator } from './sim.js';

// An independent implementation of the same protocol, so our client and our simulator cannot
// agree on the same mistake.
const require = createRequire(import.meta.url);
const { Rsa, Aes, Formatter, Wechatpay } = require('wechatpay-axios-plugin') as {
  Rsa: { sign(m: string, k: unknown): string; verify(m: string, s: string, k: unknown): boolean };
  Aes: { AesGcm: { encrypt(p: string, k: string, iv: string, aad: string): string; decrypt(c: string, k: string, iv: string, aad: string): string } };
  Formatter: {
    request(method: string, uri: string, ts: number | string, nonce: string, body?: string): string;
    response(ts: number | string, nonce: string, body?: string): string;
    authorization(mchid: string, nonce: string, signature: string, ts: number | string, serial: string): string;
    joinedByLineFeed(...pieces: string[]): string;
  };
  Wechatpay: new (config: Record<string, unknown>) => any;
};

const APIV3_KEY = 'abcdefghijklmnopqrstuvwxyz012345';

describe('WeChat Pay crypto against an independent implementation', () => {
  const merchant = merchantKeys();
  let sim: WechatSimulator;

  before(async () => {
    sim = await new WechatSimulator({
      appId: 'wx_test_app',
      appSecret: 'secret',
      mchId: '1900000001',
      merchantPublicKey: merchant.publicKey,
      merchantSerial: merchant.serial,
      apiV3Key: APIV3_KEY,
    }).start();
  });
  after(() => sim.close());

  it('builds the request message exactly as the documentation example', () => {
    const expected = 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n';
    assert.equal(requestMessage('GET', '/v3/certificates', 1554208460, '593BEC0C930BF1AFEB40B4A08C8FB242', ''), expected);
    assert.equal(Formatter.request('GET', '/v3/certificates', 1554208460, '593BEC0C930BF1AFEB40B4A08C8FB242', ''), expected);
    assert.equal(
      responseMessage(1554208460, 'N', '{"a":1}').toString(),
      Formatter.response(1554208460, 'N', '{"a":1}'),
    );
  });

  it('signs and verifies interchangeably with the plugin (SHA256withRSA, base64)', () => {
    const msg = requestMessage('POST', '/v3/pay/transactions/jsapi', 1700000000, 'NONCE', '{"x":"中文"}');
    assert.ok(Rsa.verify(msg, rsaSign(msg, merchant.privateKey), merchant.publicKey));
    assert.ok(rsaVerify(msg, Rsa.sign(msg, merchant.privateKey), merchant.publicKey));
    assert.equal(rsaVerify(`${msg}x`, rsaSign(msg, merchant.privateKey), merchant.publicKey), false);
  });

  it('parses the Authorization header the plugin writes (different field order)', () => {
    const header = Formatter.authorization('1900000001', 'NONCE', 'SIG==', 1700000000, 'SERIAL');
    assert.deepEqual(parseAuthorization(header), {
      mchid: '1900000001',
      nonce_str: 'NONCE',
      timestamp: '1700000000',
      serial_no: 'SERIAL',
      signature: 'SIG==',
    });
    assert.equal(parseAuthorization('Bearer x'), null);
  });

  it('AES-256-GCM resources decrypt both ways (tag appended to the ciphertext)', () => {
    const plain = JSON.stringify({ out_trade_no: 'SH1', amount: { total: 100 } });
    const ours = encryptResource(plain, APIV3_KEY, 'transaction', 'abcdefghijkl');
    assert.equal(Aes.AesGcm.decrypt(ours.ciphertext, APIV3_KEY, 'abcdefghijkl', 'transaction'), plain);
    const theirs = Aes.AesGcm.encrypt(plain, APIV3_KEY, '0123456789ab', 'certificate');
    assert.equal(decryptResource({ ciphertext: theirs, nonce: '0123456789ab', associated_data: 'certificate' }, APIV3_KEY), plain);
    assert.throws(() => decryptResource({ ciphertext: theirs, nonce: '0123456789ab', associated_data: 'other' }, APIV3_KEY));
  });

  it('the simulator accepts requests signed by the plugin client and the plugin accepts its signed answers', async () => {
    const wxpay = new Wechatpay({
      mchid: '1900000001',
      serial: merchant.serial,
      privateKey: merchant.privateKeyPem,
      certs: { [sim.payKeyId]: sim.payPublicKeyPem },
      baseURL: `${sim.url}/`,
    });
    const { data } = await wxpay.v3.pay.transactions.jsapi.post({
      appid: 'wx_test_app',
      mchid: '1900000001',
      description: 'plugin',
      out_trade_no: 'PLUGIN000001',
      notify_url: 'http://127.0.0.1:9/notify',
      amount: { total: 1, currency: 'CNY' },
      payer: { openid: 'o_plugin' },
    });
    assert.match(data.prepay_id, /^wx/);
    const query = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({
      params: { mchid: '1900000001' },
      out_trade_no: 'PLUGIN000001',
    });
    assert.equal(query.data.trade_state, 'NOTPAY');
  });

  it('the simulator refuses a request signed with another key (401 SIGN_ERROR)', async () => {
    const other = merchantKeys();
    const client = new WechatPayClient({
      baseUrl: sim.url,
      appId: 'wx_test_app',
      mchId: '1900000001',
      merchantPrivateKey: other.privateKey,
      merchantSerial: merchant.serial,
      apiV3Key: APIV3_KEY,
      payPublicKey: { id: sim.payKeyId, key: sim.payPublicKey },
      timeoutMs: 5000,
    });
    await assert.rejects(client.queryByOutTradeNo('PLUGIN000001'), (e: any) => e.httpStatus === 401 && e.wxCode === 'SIGN_ERROR');
  });

  it("notifications verify and decrypt with the plugin's primitives; paySign verifies with the merchant public key", () => {
    sim.pay('PLUGIN000001', { lose: true });
    const { headers, body } = sim.notification('PLUGIN000001');
    const message = Formatter.response(headers['Wechatpay-Timestamp']!, headers['Wechatpay-Nonce']!, body);
    assert.ok(Rsa.verify(message, headers['Wechatpay-Signature']!, sim.payPublicKey));
    const { resource } = JSON.parse(body);
    const plain = JSON.parse(Aes.AesGcm.decrypt(resource.ciphertext, APIV3_KEY, resource.nonce, resource.associated_data));
    assert.equal(plain.out_trade_no, 'PLUGIN000001');
    assert.equal(plain.trade_state, 'SUCCESS');

    const client = new WechatPayClient({
      baseUrl: sim.url,
      appId: 'wx_test_app',
      mchId: '1900000001',
      merchantPrivateKey: merchant.privateKey,
      merchantSerial: merchant.serial,
      apiV3Key: APIV3_KEY,
      payPublicKey: { id: sim.payKeyId, key: sim.payPublicKey },
      timeoutMs: 5000,
    });
    const params = client.requestPaymentParams('wx_prepay_1');
    const signed = Formatter.joinedByLineFeed('wx_test_app', params.timeStamp, params.nonceStr, params.package);
    assert.equal(signed, paySignMessage('wx_test_app', params.timeStamp, params.nonceStr, params.package));
    assert.ok(Rsa.verify(signed, params.paySign, merchant.publicKey));
    assert.equal(params.package, 'prepay_id=wx_prepay_1');
    assert.equal(params.signType, 'RSA');
  });
});
