import { logger } from '../../logger.js';
import { SignatureError, wechatPay, type PayTransaction } from '../../wechat/index.js';
import { applyTransaction, PaymentMismatchError } from './applyTransaction.js';

export interface NotificationOutcome {
  status: 204 | 400 | 401 | 500;
  message?: string;
}

/**
 * A WeChat Pay notification (raw body + headers). Signature/timestamp checked on the raw bytes,
 * resource decrypted, then applied like a query result. 204 = accepted (WeChat stops retrying);
 * 401 = not from WeChat, nothing changed; 400 = from WeChat but not matching our order.
 */
export async function handlePaymentNotification(headers: Record<string, string | undefined>, rawBody: Buffer): Promise<NotificationOutcome> {
  const client = wechatPay();
  let opened;
  try {
    opened = client.openNotification<PayTransaction & { refund_status?: string }>(
      {
        timestamp: headers['wechatpay-timestamp'],
        nonce: headers['wechatpay-nonce'],
        signature: headers['wechatpay-signature'],
        serial: headers['wechatpay-serial'],
      },
      rawBody,
    );
  } catch (err) {
    logger().warn({ err: (err as Error).message }, 'WeChat Pay notification refused');
    return { status: 401, message: err instanceof SignatureError ? '签名验证失败' : '通知解密失败' };
  }
  if (!opened.eventType.startsWith('TRANSACTION.')) return { status: 204 };
  try {
    await applyTransaction(opened.resource, { appId: client.appId, mchId: client.mchId }, 'notify', {
      notificationId: opened.id,
      raw: opened.resource,
    });
    return { status: 204 };
  } catch (err) {
    if (err instanceof PaymentMismatchError) return { status: 400, message: err.message };
    throw err;
  }
}
