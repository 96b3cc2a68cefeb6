import { Router } from 'express';

/** The signed open API for client software and API services (SPEC §7, §10). */
export function openRouter(): Router {
  const router = Router();
  return router;
}
