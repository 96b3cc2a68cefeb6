import { performance } from 'node:perf_hooks';
import type { RequestHandler, Response } from 'express';
import { recordApiCall } from '../../services/logs/apiCallLog.js';

/** Set by the routes: the answer's reason code, the project the caller signed for, the key's owner. */
export interface CallLogLocals {
  callReason?: string | null;
  callProjectId?: number | null;
  callMiniUserId?: string | null;
  callApiKeyId?: string | null;
  callApiName?: string | null;
}

const reasonOf = (body: unknown): string | null => {
  if (!body || typeof body !== 'object') return null;
  const b = body as { reason?: unknown; data?: { reason?: unknown } };
  const reason = b.reason ?? b.data?.reason;
  return typeof reason === 'string' ? reason : null;
};

/**
 * Records every call into the buffered `api_call_logs` writer when the answer is handed to the
 * socket (before the client can see it, so a caller reading the log after flushing finds the row).
 * Logs the route pattern — `/open/v1/card-keys/:code`, never the URL with the key in it.
 */
export function apiCallLogger(): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const base = req.baseUrl;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      (res.locals as CallLogLocals).callReason ??= reasonOf(body);
      return json(body);
    };
    const end = res.end;
    let recorded = false;
    res.end = function (this: Response, ...args: unknown[]) {
      if (!recorded) {
        recorded = true;
        const locals = res.locals as CallLogLocals;
        const route = (req.route as { path?: unknown } | undefined)?.path;
        recordApiCall({
          method: req.method,
          path: typeof route === 'string' ? `${base}${route}` : `${base}/*`,
          status: res.statusCode,
          durationMs: Math.round(performance.now() - started),
          projectId: locals.callProjectId ?? null,
          miniUserId: locals.callMiniUserId ?? null,
          apiKeyId: locals.callApiKeyId ?? null,
          apiName: locals.callApiName ?? null,
          ip: req.ip ?? null,
          requestId: typeof req.id === 'string' ? req.id : null,
          errorCode: locals.callReason && locals.callReason !== 'OK' ? locals.callReason : null,
          at: new Date(),
        });
      }
      return (end as (...a: unknown[]) => Response).apply(this, args);
    } as Response['end'];
    next();
  };
}
