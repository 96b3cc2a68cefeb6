import { envConfig } from '../config';

/**
 * WeChat's login and payment, or — in develop with `simulator` set in config.ts — the local
 * WeChat simulator's developer controls, since a local server only knows the simulator's codes
 * and transactions.
 */

const DEV_OPENID_KEY = 'seahorse.devOpenid';

function simulatorCall<T>(path: string, data: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${envConfig().simulator}${path}`,
      method: 'POST',
      data,
      success: (res) => (res.statusCode < 300 ? resolve(res.data as T) : reject(new Error(`simulator answered ${res.statusCode}`))),
      fail: (err) => reject(new Error(err.errMsg)),
    });
  });
}

/** A one-time login code for POST /api/auth/wx-login. */
export async function loginCode(): Promise<string> {
  if (envConfig().simulator) {
    let openid = wx.getStorageSync(DEV_OPENID_KEY) as string;
    if (!openid) {
      openid = `o_dev_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      wx.setStorageSync(DEV_OPENID_KEY, openid);
    }
    return (await simulatorCall<{ code: string }>('/__sim/codes', { openid })).code;
  }
  const { code } = await wx.login();
  return code;
}

export type PaymentOutcome = { kind: 'paid' } | { kind: 'cancelled' } | { kind: 'failed'; reason: string };

export interface PaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** Opens the payment sheet. "paid" means WeChat says so; the server's order status is what counts. */
export async function pay(payment: PaymentParams, order: { orderNo: string; amount: string }): Promise<PaymentOutcome> {
  if (envConfig().simulator) {
    const { confirm } = await wx.showModal({ title: '模拟支付 / Simulated payment', content: `¥${order.amount}` });
    if (!confirm) return { kind: 'cancelled' };
    await simulatorCall(`/__sim/pay/${order.orderNo}`, {});
    return { kind: 'paid' };
  }
  try {
    await wx.requestPayment({ ...payment });
    return { kind: 'paid' };
  } catch (err) {
    const errMsg = (err as { errMsg?: string }).errMsg ?? '';
    if (/cancel/i.test(errMsg)) return { kind: 'cancelled' };
    return { kind: 'failed', reason: errMsg.replace(/^requestPayment:fail\s*/, '') };
  }
}
