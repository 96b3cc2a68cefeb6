import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler } from 'express';
import session from 'express-session';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { config } from '../../config.js';
import { logger } from '../../logger.js';
import type { Request } from 'express';
import type { SessionAccount, SessionAdmin } from './login.js';

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
  options = {
    name: SESSION_COOKIE,
    secret: cfg.SESSION_SECRET,
    store: throttleTouch(new AdminSessionStore({ pool, tableName: 'admin_sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 })),
    resave: false,
    saveUninitialized: false,
    rolling: true,
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

const ACCOUNT = Symbol('seahorse.sessionAccount');
type WithAccount = session.SessionData & { [ACCOUNT]?: SessionAccount | null };
type AccountRow = { sess: session.SessionData | string; id: number | null; email: string | null; username: string; role: SessionAccount['role']; parent_id: number | null; locale: string; must_change_password: boolean; status: string };

const PgStore = connectPgSimple(session);

/**
 * The Postgres session store, whose read also returns the session's admin user as it is now (one
 * round trip, not two): every admin request re-checks the account (mount.ts), and this is the same
 * check, read in the same statement as the session itself.
 */
class AdminSessionStore extends PgStore {
  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    (this as unknown as { query(sql: string, params: unknown[], fn: (err: unknown, row?: AccountRow) => void): void }).query(
      `SELECT s.sess, u.id, u.email, u.username, u.role, u.parent_id, u.locale, u.must_change_password, u.status
         FROM admin_sessions s
         LEFT JOIN admin_users u ON u.id = CASE WHEN s.sess -> 'adminUser' ->> 'id' ~ '^[0-9]{1,9}$' THEN (s.sess -> 'adminUser' ->> 'id')::int END
        WHERE s.sid = $1 AND s.expire >= to_timestamp($2)`,
      [sid, Date.now() / 1000],
      (err, row) => {
        if (err) return callback(err);
        if (!row) return callback(null, null);
        let sess: WithAccount;
        try {
          sess = (typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess) as WithAccount;
        } catch {
          return this.destroy(sid, (e) => callback(e, null));
        }
        if (sess.adminUser) {
          sess[ACCOUNT] =
            row.id === null
              ? null
              : { id: row.id, email: row.email, username: row.username, role: row.role, parentId: row.parent_id, locale: row.locale, mustChangePassword: row.must_change_password, status: row.status };
        }
        callback(null, sess);
      },
    );
  }

  override createSession(req: Request, sess: session.SessionData): session.Session & session.SessionData {
    const account = (sess as WithAccount)[ACCOUNT];
    if (account !== undefined) (req as Request & { [ACCOUNT]?: SessionAccount | null })[ACCOUNT] = account;
    return super.createSession(req, sess);
  }
}

/**
 * The session's admin user as read with the session on this request: null when the user no longer
 * exists, undefined when it was not read that way (then ask the database).
 */
export function sessionAccountOf(req: Request): SessionAccount | null | undefined {
  return (req as Request & { [ACCOUNT]?: SessionAccount | null })[ACCOUNT];
}

const TOUCH_EVERY_MS = 60_000;

/**
 * `rolling` sessions are touched (an UPDATE and a WAL flush) on every request; once a minute per
 * session is enough to keep an expiry measured in hours sliding. Reads are not affected: a session
 * ended elsewhere (freeze, password change) is gone at its next request.
 */
function throttleTouch<S extends session.Store>(store: S): S {
  const touched = new LRUCache<string, true>({ max: 100_000, ttl: TOUCH_EVERY_MS });
  const touch = store.touch?.bind(store);
  if (!touch) return store;
  store.touch = (sid, sess, callback) => {
    if (touched.has(sid)) return callback?.();
    touched.set(sid, true);
    touch(sid, sess, callback);
  };
  return store;
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
