import { timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QueryTypes } from 'sequelize';
import { config } from '../config.js';
import { db } from '../db/index.js';
import { logger } from '../logger.js';
import { QUEUE_NAMES, queue } from '../queues/queue.js';
import { redis, redisKey } from '../redis.js';
import { adminSession } from '../services/identity/adminSessions.js';

/**
 * `GET /metrics` in Prometheus text format: request rates and latencies per route, 5xx counts,
 * queue depths and failures, the database pool, whether PostgreSQL and Redis answer, and the state
 * of each fault check (worker job `ops.check-faults`). Readable with `Authorization: Bearer
 * METRICS_TOKEN`, or by a logged-in super admin.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'seahorse_' });

const requests = new Counter({ name: 'seahorse_http_requests_total', help: 'HTTP requests answered, per route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
const latency = new Histogram({
  name: 'seahorse_http_request_duration_seconds',
  help: 'HTTP request latency per route',
  labelNames: ['method', 'route'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

new Gauge({
  name: 'seahorse_dependency_up',
  help: '1 when the service answers (checked at scrape time, 1 s timeout)',
  labelNames: ['service'],
  registers: [registry],
  async collect() {
    const [pg, rd] = await Promise.allSettled([withTimeout(db().query('SELECT 1'), 1000), withTimeout(redis().ping(), 1000)]);
    this.set({ service: 'postgres' }, pg.status === 'fulfilled' ? 1 : 0);
    this.set({ service: 'redis' }, rd.status === 'fulfilled' ? 1 : 0);
  },
});

new Gauge({
  name: 'seahorse_queue_jobs',
  help: 'Jobs per queue and state (waiting, active, delayed, failed, completed kept)',
  labelNames: ['queue', 'state'],
  registers: [registry],
  async collect() {
    this.reset();
    await Promise.all(
      QUEUE_NAMES.map(async (name) => {
        try {
          const counts = await withTimeout(queue(name).getJobCounts(), 1000);
          for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, Number(n));
        } catch {
          // Redis away: the dependency gauge says so.
        }
      }),
    );
  },
});

new Gauge({
  name: 'seahorse_db_pool_connections',
  help: 'Database pool connections by state (size, available, using, waiting requests)',
  labelNames: ['state'],
  registers: [registry],
  collect() {
    const pool = (db().connectionManager as unknown as { pool?: { size: number; available: number; using: number; waiting: number } }).pool;
    if (!pool) return;
    for (const state of ['size', 'available', 'using', 'waiting'] as const) this.set({ state }, pool[state]);
  },
});

new Gauge({
  name: 'seahorse_fault_active',
  help: 'Fault checks of the worker (1 = fault open, 0 = fine), as of their last run',
  labelNames: ['check'],
  registers: [registry],
  async collect() {
    this.reset();
    try {
      const rows = await withTimeout(db().query<{ check_name: string; active: boolean }>('SELECT check_name, active FROM fault_states', { type: QueryTypes.SELECT }), 1000);
      for (const r of rows) this.set({ check: r.check_name }, r.active ? 1 : 0);
    } catch {
      // PostgreSQL away: the dependency gauge says so.
    }
  },
});

/** The route pattern, not the path (bounded label values): `/open/v1/card-keys/:code`, `/admin/*`. */
function routeOf(req: Request): string {
  const route = (req.route as { path?: string } | undefined)?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  if (req.path === '/admin/metrics') return '/metrics';
  const first = req.originalUrl.split('?')[0]!.split('/')[1];
  return first ? `/${first}/*` : '/';
}

/** The minute a request's 5xx and total counts go to in Redis, shared by every web process (read by the fault check). */
export const httpCountKey = (kind: 'total' | '5xx', minute: number) => redisKey('http', kind, minute);

const pending = new Map<string, number>();
let flusher: NodeJS.Timeout | undefined;

/** Adds this process's per-minute counts to Redis (every 5 s): one round trip, not one per request. */
async function flushCounts(): Promise<void> {
  if (!pending.size) return;
  const counts = [...pending];
  pending.clear();
  const multi = redis().multi();
  for (const [key, n] of counts) multi.incrby(key, n).expire(key, 3600);
  await multi.exec().catch(() => undefined); // Redis away: those counts are lost, nothing else
}

/** Counts and times every request; 5xx and totals per minute also go to Redis for the fault check. */
export function metricsMiddleware(): RequestHandler {
  flusher ??= setInterval(() => void flushCounts(), 5000).unref();
  return (req, res, next) => {
    const end = latency.startTimer();
    res.on('finish', () => {
      const route = routeOf(req);
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
      if (route === '/metrics' || route === '/healthz' || route === '/readyz') return;
      const minute = Math.floor(Date.now() / 60_000);
      const total = httpCountKey('total', minute);
      pending.set(total, (pending.get(total) ?? 0) + 1);
      if (res.statusCode >= 500) {
        const errors = httpCountKey('5xx', minute);
        pending.set(errors, (pending.get(errors) ?? 0) + 1);
      }
    });
    next();
  };
}

/** Sends the counts not yet in Redis (shutdown, tests). */
export const flushHttpCounts = flushCounts;

function tokenMatches(header: string | undefined): boolean {
  const token = config().METRICS_TOKEN;
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!token || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /metrics with the bearer token (scrapers), and GET /admin/metrics for a logged-in super admin
 * too (the session cookie is scoped to /admin, so a browser sends it only there); 401 otherwise.
 */
export function mountMetrics(app: Express): void {
  const serve = async (_req: Request, res: Response) => {
    try {
      res.type(registry.contentType).send(await registry.metrics());
    } catch (err) {
      logger().error({ err }, 'metrics collection failed');
      res.status(503).type('text/plain').send('metrics unavailable\n');
    }
  };
  app.get(['/metrics', '/admin/metrics'], (req: Request, res: Response, next: NextFunction) => {
    if (tokenMatches(req.headers.authorization)) return void serve(req, res);
    adminSession()(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (req.session?.adminUser?.role === 'super_admin') return void serve(req, res);
      res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.type('text/plain').send('401: a METRICS_TOKEN bearer token (or, at /admin/metrics, a super admin session) is required\n');
    });
  });
}
