import { existsSync } from 'node:fs';
import path from 'node:path';
import AdminJSExpress from '@adminjs/express';
import { Database } from '@adminjs/sequelize';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import AdminJS from 'adminjs';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { config } from '../server/config.js';
import { db } from '../server/db/index.js';
import { asUnavailable, isAppError } from '../server/errors.js';
import { inLang, say } from '../server/i18n.js';
import { projectRoot } from '../server/lib/paths.js';
import { logger } from '../server/logger.js';
import { AdminUser } from '../server/models/index.js';
import { loginAdmin, toSessionAdmin } from '../server/services/identity/login.js';
import { adminSession, adminSessionOptions, SESSION_COOKIE, sessionAccountOf } from '../server/services/identity/adminSessions.js';
import { QUEUE_NAMES, queue } from '../server/queues/queue.js';
import { ScopedResource } from './adapter/ScopedResource.js';
import { Components, componentLoader } from './componentLoader.js';
import { dashboardHandler } from './dashboard.js';
import { backupDownload } from './backupDownload.js';
import { statsPageHandler } from './stats.js';
import { EXPORT_DOWNLOAD_PATH, exportDownloadRoute } from './exportDownload.js';
import { adminErrorHandler, rejectUnknownActions } from './errors.js';
import { adminLocaleFor, adminRequestLang, servedLang, servingIn, withAdminLang } from './language.js';
import { CLIENT_IP } from './resources/define.js';
import { adminResources } from './resources/index.js';
import { adminFormParser } from './uploads.js';

const ADMIN_ROOT = '/admin';
/** Files `npm run build:admin` writes and production serves (AdminJS's own bundling skipped). */
const BUNDLED_ASSETS = ['components.bundle.js', 'app.bundle.js', 'global.bundle.js', 'design-system.bundle.js'] as const;
const defaultBundleDir = () => path.join(projectRoot(), 'public', 'admin-bundle');

export interface AdminMountOptions {
  /** `bundled`: serve the pre-built bundle (production); `dev`: AdminJS bundles on demand. */
  assets?: 'bundled' | 'dev';
  bundleDir?: string;
}

let adapterRegistered = false;

/** Builds the AdminJS instance: every table as a resource through the scoped adapter (the only one registered). */
function buildAdmin(): AdminJS {
  if (!adapterRegistered) {
    AdminJS.registerAdapter({ Database, Resource: ScopedResource });
    adapterRegistered = true;
  }
  return new AdminJS({
    rootPath: ADMIN_ROOT,
    loginPath: `${ADMIN_ROOT}/login`,
    logoutPath: `${ADMIN_ROOT}/logout`,
    resources: adminResources(),
    componentLoader,
    dashboard: { component: Components.Dashboard, handler: dashboardHandler },
    pages: { stats: { component: Components.StatsPage, handler: statsPageHandler, icon: 'BarChart2' } },
    locale: adminLocaleFor,
    // The brand in the reader's language too (the English screen carries no Chinese).
    branding: () => ({ companyName: servedLang() === 'en' ? 'Seahorse' : 'Seahorse 海马', withMadeWithLove: false, logo: false }),
    settings: { defaultPerPage: 20 },
  });
}

// The session is re-checked against the database on every admin request, so a frozen, deleted or
// re-parented user loses access at once even if a session row survived. The session store reads the
// user in the same statement as the session; only a session not read that way costs a second query.
const refreshSessionUser: RequestHandler = async (req, _res, next) => {
  try {
    const current = req.session?.adminUser;
    if (!current) return next();
    const read = sessionAccountOf(req);
    const user = read !== undefined && read?.id === Number(current.id) ? read : await AdminUser.findByPk(Number(current.id));
    if (!user || user.status !== 'active') {
      delete req.session.adminUser;
      return req.session.destroy(() => next());
    }
    const fresh = toSessionAdmin(user);
    if (fresh.role !== current.role || fresh.parentId !== current.parentId || fresh.username !== current.username) {
      req.session.adminUser = fresh;
    }
    next();
  } catch (err) {
    next(err);
  }
};

// Actions read the client's address through requestIp(); AdminJS passes them a spread copy of the
// request, which keeps own properties only.
const keepClientIp: RequestHandler = (req, _res, next) => {
  Object.assign(req, { [CLIENT_IP]: req.ip ?? null });
  next();
};

function superAdminOnly(req: Request, res: Response, next: NextFunction): void {
  const user = req.session?.adminUser;
  if (!user) return res.redirect(`${ADMIN_ROOT}/login`);
  if (user.role !== 'super_admin') {
    res.status(403).type('text/plain; charset=utf-8').send(inLang(say('仅超级管理员可以访问队列面板', 'Only super admins may open the queue dashboard'), adminRequestLang(req)));
    return;
  }
  next();
}

function queueDashboard(): RequestHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(`${ADMIN_ROOT}/queues`);
  createBullBoard({ queues: QUEUE_NAMES.map((name) => new BullAdapter(queue(name))), serverAdapter: serverAdapter as never });
  return serverAdapter.getRouter() as RequestHandler;
}

async function authenticate(username: string, password: string, context?: { req?: Request }) {
  const req = context?.req;
  try {
    const fields = (req as (Request & { fields?: Record<string, unknown> }) | undefined)?.fields ?? {};
    const admin = await loginAdmin({
      username,
      password,
      captchaId: fields.captchaId,
      captchaAnswer: fields.captchaAnswer,
      ip: req?.ip ?? null,
      userAgent: req?.get('user-agent') ?? null,
    });
    // A fresh session id at login: a session id planted before login is worthless.
    if (req?.session) await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    return admin;
  } catch (err) {
    // AdminJS shows the thrown message on its login page: in the reader's language, and a lost
    // database or Redis says "temporarily unavailable" instead of bouncing back without a word.
    const lang = req ? adminRequestLang(req) : 'zh-CN';
    const shown = asUnavailable(err);
    if (isAppError(shown)) throw new Error(shown.status === 503 ? LOGIN_UNAVAILABLE[lang] : shown.messageIn(lang));
    logger().error({ err }, 'admin login failed');
    throw new Error(LOGIN_UNAVAILABLE[lang]);
  }
}

const LOGIN_UNAVAILABLE = say('服务暂时不可用，请稍后再登录', 'Service temporarily unavailable, please try to log in again shortly');

/**
 * A backing service lost while serving the admin (the session store, a login, a page): the login
 * page with "service temporarily unavailable" (503) for pages, a 503 notice for AdminJS's API calls.
 */
function unavailablePage(admin: AdminJS): ErrorRequestHandler {
  return (err, req, res, next) => {
    const shown = asUnavailable(err);
    if (res.headersSent || !isAppError(shown) || shown.status !== 503) return next(err);
    const lang = adminRequestLang(req);
    logger().warn({ service: shown.details, path: req.originalUrl }, 'admin: a backing service is unavailable');
    res.status(503).setHeader('Retry-After', '5');
    if (req.originalUrl.startsWith(`${ADMIN_ROOT}/api/`) || req.xhr) {
      res.json({ notice: { message: shown.messageIn(lang), type: 'error' }, records: [], record: { params: {}, populated: {}, errors: {} } });
      return;
    }
    servingIn(lang, () => admin.renderLogin({ action: `${ADMIN_ROOT}/login`, errorMessage: LOGIN_UNAVAILABLE[lang] }))
      .then((html) => res.type('html').send(html), next);
  };
}

export async function mountAdminWith(app: Express, options: AdminMountOptions = {}): Promise<AdminJS> {
  db(); // the resources are the models: they must be initialised before AdminJS inspects them
  const cfg = config();
  const assets = options.assets ?? cfg.ADMIN_ASSETS ?? (cfg.isProduction ? 'bundled' : 'dev');
  if (assets === 'bundled') {
    const dir = options.bundleDir ?? defaultBundleDir();
    const missing = BUNDLED_ASSETS.filter((f) => !existsSync(path.join(dir, f)));
    if (missing.length) throw new Error(`Admin assets are not built (${missing.join(', ')} missing in ${dir}): run \`npm run build:admin\``);
    process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
    for (const file of BUNDLED_ASSETS) {
      app.get(`${ADMIN_ROOT}/frontend/assets/${file}`, (_req, res) => res.sendFile(path.join(dir, file), { maxAge: '1h' }));
    }
  }

  const admin = buildAdmin();
  app.use(ADMIN_ROOT, adminSession(), refreshSessionUser, keepClientIp);
  const formParser = adminFormParser('/login');
  app.use(ADMIN_ROOT, (req, res, next) => (/^\/queues(\/|$)/.test(req.path) ? next() : formParser(req, res, next)));
  app.use(`${ADMIN_ROOT}/queues`, superAdminOnly, queueDashboard());
  app.get(`${ADMIN_ROOT}/backups/:id/download`, backupDownload);
  app.get(EXPORT_DOWNLOAD_PATH, exportDownloadRoute());
  const router = AdminJSExpress.buildAuthenticatedRouter(
    admin,
    { authenticate, cookieName: SESSION_COOKIE, cookiePassword: cfg.SESSION_SECRET },
    null,
    // The session middleware mounted above already ran; the same options (store included) if it did not.
    adminSessionOptions(),
  );
  app.use(`${ADMIN_ROOT}/api/resources`, rejectUnknownActions(admin));
  app.use(admin.options.rootPath, withAdminLang, router, adminErrorHandler);
  app.use(ADMIN_ROOT, unavailablePage(admin));
  return admin;
}

/** Mounts the AdminJS back office at /admin and bull-board at /admin/queues behind one session. */
export async function mountAdmin(app: Express): Promise<void> {
  await mountAdminWith(app);
}
