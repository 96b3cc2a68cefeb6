import express, { Router } from 'express';
import { handle } from '../../http/envelope.js';
import { handlePaymentNotification } from '../../services/orders/index.js';

/**
 * WeChat Pay notifications need the RAW bytes (the signature covers them exactly), so this router
 * is mounted before the JSON parser. Answers use WeChat's own `{code, message}` shape.
 */
export function notifyRouter(): Router {
  const router = Router();
  router.post(
    '/pay/wechat/notify',
    express.raw({ type: () => true, limit: '64kb' }),
    handle(async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const outcome = await handlePaymentNotification(req.headers as Record<string, string | undefined>, raw);
      if (outcome.status === 204) res.status(204).end();
      else res.status(outcome.status).json({ code: 'FAIL', message: outcome.message ?? '失败' });
    }),
  );
  return router;
}
