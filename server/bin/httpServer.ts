import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mountAdmin } from '../../admin/mount.js';
import { createApp } from '../app.js';
import type { Config } from '../config.js';
import { PreflightError } from '../db/preflight.js';
import { closeAdminSessions } from '../services/identity/adminSessions.js';
import { flushVerificationLog } from '../services/cardKeys/verificationLog.js';
import { flushApiCallLog } from '../services/logs/apiCallLog.js';

export interface RunningWeb {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** The HTTP server: admin, API and open API, listening on HOST:PORT. */
export async function startWeb(cfg: Config): Promise<RunningWeb> {
  const app = await createApp({ mountAdmin });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(cfg.PORT, cfg.HOST);
    s.once('listening', () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new PreflightError(`Port ${cfg.PORT} on ${cfg.HOST} is already in use. Stop the other process or set PORT.`)
          : err,
      ),
    );
  });
  const { port } = server.address() as AddressInfo;
  const host = cfg.HOST === '0.0.0.0' || cfg.HOST === '::' ? '127.0.0.1' : cfg.HOST;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Stop accepting, let in-flight requests finish, drop idle keep-alive sockets; cut the rest after a grace period.
        const force = setTimeout(() => server.closeAllConnections(), 10_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          // Buffered card-key verification and API call rows are written before the pools close.
          void Promise.all([flushVerificationLog(), flushApiCallLog()]).then(closeAdminSessions).then(resolve);
        });
        server.closeIdleConnections();
      }),
  };
}

