import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler } from 'express';
import session from 'express-session';
import pg from 'pg';
import { config } from '../../config.js';
import { logger } from '../../logger.js';
import type { SessionAdmin } from './login.js';

declare module 'express-session' {
  interface SessionData {
    adminUser?: SessionAdmin;
    redirectTo?: string;
  }
}

export const SESSION_COOKIE = 'seahorse.sid';

let pool: pg.Pool | undefined;
let options: session.SessionOptions | undefined;
let middleware: RequestHandler | undefined;

/** The admin session settings (Postgres store included), for every session middleware on /admin. */
export function adminSessionOptions(): session.SessionOptions {
  if (options) return options;
  const cfg = config();
  pool = new pg.Pool({ connectionString: cfg.DATABASE_URL, max: 5, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
  // An idle connection dropped by the server (restart, failover) must not crash the process; the pool reconnects.
  pool.on('error', (err) => logger().warn({ err }, 'admin session pool: idle connection lost'));
  const PgStore = connectPgSimple(session);
  options = {
    name: SESSION_COOKIE,
    secret: cfg.SESSION_SECRET,
    store: new PgStore({ pool, tableName: 'admin_sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: cfg.TRUST_PROXY,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: cfg.isProduction && cfg.PUBLIC_URL.startsWith('https:'),
      maxAge: cfg.SESSION_TTL_HOURS * 3600 * 1000,
      path: '/admin',
    },
  };
  return options;
}

/**
 * The one admin session middleware: server-side sessions in Postgres (`admin_sessions`), shared by
 * every web process, used by AdminJS and bull-board alike so one login serves both.
 */
export function adminSession(): RequestHandler {
  middleware ??= session(adminSessionOptions());
  return middleware;
}

export async function closeAdminSessions(): Promise<void> {
  const p = pool;
  pool = undefined;
  options = undefined;
  middleware = undefined;
  await p?.end();
}

/** Ends every session of `userId` at once (freeze, password change); the one implementation lives in identity. */
export { endUserSessions as endSessionsOf } from '../identity/sessions.js';
