import { z } from 'zod';
import { PAYMENT_MESSAGE_JOB, PaymentMessageRejected, sendPaymentSuccessMessage } from '../../server/services/orders/index.js';
import { defineJob } from '../registry.js';

export const orderMessageJobs = [
  defineJob({
    name: PAYMENT_MESSAGE_JOB,
    queue: 'notifications',
    description: 'Send the WeChat subscribe message "支付成功" for a credited order (once per order; 43101 / no openid are skipped, busy or network errors retried with backoff)',
    data: z.object({ orderId: z.string().uuid() }),
    run: async ({ orderId }, { job }) => {
      try {
        return await sendPaymentSuccessMessage(orderId);
      } catch (err) {
        // A refusal that cannot change: fail for good now (the worker writes the system log).
        if (err instanceof PaymentMessageRejected && job) await job.discard();
        throw err;
      }
    },
  }),
];
