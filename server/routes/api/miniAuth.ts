import type { Request, RequestHandler } from 'express';
import { handle } from '../../http/envelope.js';
import type { MiniUser } from '../../models/index.js';
import { tokenInvalid, userFromToken } from '../../services/miniUsers/index.js';
import type { MiniUserAuth } from './v1/apiKeys.js';

const USER = Symbol('miniUser');

/**
 * `Authorization: Bearer <access token>` → the mini-program user, re-read from the database on
 * every request: 401 = log in again (missing, expired, or killed by token_version), 403 = frozen.
 */
export const requireMiniUser: RequestHandler = handle(async (req, _res, next) => {
  const header = req.header('authorization');
  const match = header ? /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(header.trim()) : null;
  if (!match) throw tokenInvalid();
  (req as unknown as Record<symbol, MiniUser>)[USER] = await userFromToken(match[1]!);
  next();
});

export function miniUserOf(req: Request): MiniUser {
  const user = (req as unknown as Record<symbol, MiniUser | undefined>)[USER];
  if (!user) throw tokenInvalid();
  return user;
}

/** The same authentication, in the shape the API-key routes take. */
export const miniAuth: MiniUserAuth = { authenticate: requireMiniUser, userIdOf: (req) => miniUserOf(req).id };
