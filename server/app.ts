import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { config } from './config.js';
import { db } from './db/index.js';
import { browserGuard } from './http/browserGuard.js';
import { errorEnvelope, notFoundEnvelope } from './http/envelope.js';
import { UPLOADS_PATH, uploadsStatic } from './lib/fileStore.js';
import { requestLogSerializers } from './http/requestLog.js';
import { metricsMiddleware, mountMetrics } from './http/metrics.js';
import { logger } from './logger.js';
import { redis } from './redis.js';
import { apiRouter } from './routes/api/index.js';
import { identityRouter } from './routes/identity/index.js';
import { openRouter } from './routes/open/index.js';
import { IDENTITY_BASE_PATH } from './services/identity/emails.js';

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface AppOptions {
  /** The AdminJS router (and anything mounted with it); omitted by API-only tests. */
  mountAdmin?: (app: Express) => Promise<void>;
}

/** The whole HTTP surface: health, AdminJS at /admin, the mini-program API at /api, the open API at /open. */
export async function createApp(options: AppOptions = {}): Promise<Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config().TRUST_PROXY);
  app.use(
    pinoHttp({
      logger: logger(),
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: requestLogSerializers,
    }),
  );

  app.use(metricsMiddleware());
  mountMetrics(app);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.allSettled([
      withTimeout(db().query('SELECT 1'), 2000),
      withTimeout(redis().ping(), 2000),
    ]);
    const [postgres, redisCheck] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    const ready = postgres === 'ok' && redisCheck === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', postgres, redis: redisCheck });
  });

  // The browser surfaces refuse framing and cross-site state changes before anything reads a body.
  app.use(['/admin', IDENTITY_BASE_PATH], browserGuard());
  // Identity pages, the forced password change and the account guard run in front of AdminJS.
  app.use(identityRouter());
  // AdminJS brings its own body parsing; it must be mounted before any global parser.
  if (options.mountAdmin) await options.mountAdmin(app);

  app.use(UPLOADS_PATH, uploadsStatic());
  app.use('/api', apiRouter());
  app.use('/open', openRouter());
  app.use(notFoundEnvelope);
  app.use(errorEnvelope);
  return app;
}
