import { Router } from 'express';
import { cardKeysOpenRouter } from './cardKeys.js';
import { meteringRouter } from './metering.js';

/** The signed open API for client software and API services (SPEC §7, §10). */
export function openRouter(): Router {
  const router = Router();
  router.use(cardKeysOpenRouter());
  router.use(meteringRouter());
  return router;
}
