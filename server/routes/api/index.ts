import express, { Router } from 'express';
import { docsRouter } from './docs.js';
import { miniAuth } from './miniAuth.js';
import { miniRoutes } from './mini.js';
import { notifyRouter } from './notify.js';
import { mountRoutes } from './routeSpec.js';
import { apiKeysRouter } from './v1/apiKeys.js';

/** The mini-program API: JSON in, envelope out. */
export function apiRouter(): Router {
  const router = Router();
  // Raw body first: the payment notification's signature covers the exact bytes.
  router.use(notifyRouter());
  router.use(docsRouter());
  router.use(express.json({ limit: '256kb' }));
  mountRoutes(router, miniRoutes);
  router.use(apiKeysRouter(miniAuth));
  return router;
}
