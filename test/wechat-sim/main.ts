import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { merchantKeys, WechatSimulator } from './sim.js';

/**
 * `npm run wechat:sim`: a local WeChat for developing the mini-program backend without a merchant
 * account. Writes the merchant key and an env file for the server, then serves until stopped.
 * Developer controls: POST /__sim/codes {openid} → a wx.login code; POST /__sim/pay/<order_no>
 * → the user pays (the notification goes to the server's notify_url).
 */
async function main(): Promise<void> {
  const dir = resolve(process.env.WECHAT_SIM_DIR ?? '.wechat-sim');
  mkdirSync(dir, { recursive: true });
  const merchant = merchantKeys();
  const sim = await new WechatSimulator({
    appId: process.env.WECHAT_APP_ID ?? 'wx_dev_appid',
    appSecret: process.env.WECHAT_APP_SECRET ?? 'dev_app_secret',
    mchId: process.env.WECHAT_MCH_ID ?? '1900000000',
    merchantPublicKey: merchant.publicKey,
    merchantSerial: merchant.serial,
    apiV3Key: process.env.WECHAT_APIV3_KEY ?? 'dev-apiv3-key-0123456789abcdef01',
    timeScale: Number(process.env.WECHAT_SIM_TIME_SCALE ?? '1'),
    port: Number(process.env.WECHAT_SIM_PORT ?? '3900'),
  }).start();
  const keyPath = join(dir, 'merchant_private_key.pem');
  const payKeyPath = join(dir, 'wechatpay_public_key.pem');
  writeFileSync(keyPath, merchant.privateKeyPem, { mode: 0o600 });
  writeFileSync(payKeyPath, sim.payPublicKeyPem);
  const env = { ...sim.env(), WECHAT_MCH_PRIVATE_KEY: keyPath, WECHAT_PAY_PUBLIC_KEY: payKeyPath };
  const envText = Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n');
  writeFileSync(join(dir, 'env'), `${envText}\n`);
  process.stdout.write(`WeChat simulator listening on ${sim.url}\nServer settings (also in ${join(dir, 'env')}):\n${envText}\n`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
