import express, { Router } from 'express';

/** The mini-program API (SPEC §9–§10, §14): JSON in, envelope out. */
export function apiRouter(): Router {
  const router = Router();
  router.use(express.json({ limit: '256kb' }));
  return router;
}
