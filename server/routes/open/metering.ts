import express, { Router } from 'express';
import { handle, ok, validate } from '../../http/envelope.js';
import { chargeInput, Meter, type ChargeContext, type ChargeInput, type ServiceIdentity } from '../../services/metering/meter.js';
import type { CallLogLocals } from './callLog.js';

/**
 * `POST /open/v1/metering/charge` — an API service asks whether one call may proceed and, if so,
 * charges it.
 *
 * Auth: HTTP Basic with the service's client id and secret (`Authorization: Basic
 * base64(clientId:secret)`, HTTPS only); wrong or disabled credentials → 401 envelope.
 * Body: `{apiKey, apiName, callerIp, requestId?}`. A decision is a 200 envelope whose data is
 * `{decision: "allow", chargedPoints, remainingPoints, recordId, replayed}` or
 * `{decision: "deny", reason, message, remainingPoints?}`; malformed input is a 400 envelope.
 * Retrying with the same requestId never charges twice (`replayed: true` on the repeat).
 *
 * Each router owns one Meter (its caches and its invalidation subscription), so every app
 * instance — and every test server — behaves like a separate server process.
 */
export function meteringRouter(meter: Meter = new Meter()): Router {
  const router = Router();
  router.post(
    '/v1/metering/charge',
    handle(async (req, res, next) => {
      res.locals.meteringService = await meter.authenticate(req.headers.authorization);
      next();
    }),
    express.json({ limit: '16kb' }),
    validate({ body: chargeInput }),
    handle(async (req, res) => {
      const seen: ChargeContext = {};
      const decision = await meter.charge(res.locals.meteringService as ServiceIdentity, req.body as ChargeInput, seen);
      const locals = res.locals as CallLogLocals;
      locals.callMiniUserId = seen.keyOwnerId ?? null;
      locals.callApiKeyId = seen.keyId ?? null;
      locals.callApiName = (req.body as ChargeInput).apiName;
      ok(res, decision);
    }),
  );
  return router;
}
