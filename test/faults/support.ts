/**
 * What the fault tests break, started by the tests themselves: a private redis-server on a free
 * port, worker and web processes pointed at it, and local receivers (SMTP, HTTP callbacks) that
 * count what arrives. Never the shared services.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { QUEUE_NAMES } from '../../server/queues/queue.js';
import { updateSetting } from '../../server/services/systemConfig/systemConfig.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { closedPort, collect, startEntry } from '../ops/child.js';

export { until } from '../support/until.js';
export { closedPort };

/** A redis-server of the test's own (nothing on disk), on a free port; stop() kills it, start() brings it back empty. */
export class OwnRedis {
  private proc: ChildProcess | undefined;
  constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const r = new OwnRedis(await closedPort());
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null }).on('error', () => undefined);
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          probe.disconnect();
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL, as a crashed or restarted Redis that keeps nothing on disk. */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }

  client(): Redis {
    return new Redis(this.url, { maxRetriesPerRequest: 1 }).on('error', () => undefined); // down on purpose
  }
}

/** How many repeatable schedules Bull holds in `client` under this run's prefix. */
export async function repeatableCount(client: Redis): Promise<number> {
  let n = 0;
  for (const q of QUEUE_NAMES) n += await client.zcard(`${process.env.REDIS_PREFIX}:bull:${q}:repeat`);
  return n;
}

/** A real SMTP server on an ephemeral port, recording each message's subject; `hold` leaves the sender waiting for the reply. */
export class SmtpSink {
  subjects: string[] = [];
  hold = false;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream: SMTPServerDataStream, _session, callback) => {
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      stream.on('end', () => {
        this.subjects.push(/^Subject: (.*)$/m.exec(body)?.[1]?.trim() ?? '');
        if (!this.hold) callback();
      });
    },
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  count(subject: string): number {
    return this.subjects.filter((s) => s === subject).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      setTimeout(resolve, 500).unref(); // held sessions
    });
  }
}

/** An HTTP receiver of signed callbacks: counts POSTs per delivery id; `hold` keeps requests hanging. */
export class CallbackSink {
  posts = new Map<string, number>();
  arrived = 0;
  hold = false;
  private server: Server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['x-seahorse-delivery']);
      this.posts.set(id, (this.posts.get(id) ?? 0) + 1);
      this.arrived++;
      if (!this.hold) res.end('ok');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface Proc {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves once the process printed `ready` (e.g. "worker running"). */
  ready: Promise<void>;
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** An entry point (worker/main.ts, server/bin/web.ts) as a child process, with this run's environment plus `env`. */
export function startProcess(entry: string, env: Record<string, string>, ready: RegExp): Proc {
  const child = startEntry(entry, [], env);
  const { output, done } = collect(child);
  const readyP = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (ready.test(output().stdout)) resolve();
    };
    child.stdout!.on('data', check);
    void done.then((r) => reject(new Error(`${entry} exited (${r.code ?? r.signal}) before it was ready:\n${r.stdout}\n${r.stderr}`)));
  });
  readyP.catch(() => undefined);
  return {
    child,
    output,
    ready: readyP,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await done;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return (await done).code;
    },
  };
}

export const startWorkerProcess = (env: Record<string, string>) => startProcess('worker/main.ts', env, /worker running/);

/** A TCP proxy in front of a service: cut() drops every connection and refuses new ones; mend() lets them through again. */
export class CuttableProxy {
  private sockets = new Set<Socket>();
  private cutOff = false;
  private server = createTcpServer((client) => {
    if (this.cutOff) return client.destroy();
    const upstream = connect(this.target.port, this.target.host);
    this.sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  cut(): void {
    this.cutOff = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  mend(): void {
    this.cutOff = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Worker processes run `ops.check-faults`, which would notify every super admin of the run's
 * database about what these tests break on purpose: alerts are off while a fault test runs.
 */
export async function quietFaultAlerts(): Promise<() => Promise<void>> {
  const u = await createAdminUser({ username: `fq_${randomBytes(3).toString('hex')}`, password: 'Right1pass', role: 'super_admin' });
  const actor = { id: u.id, role: 'super_admin' };
  await updateSetting('notification.fault_alerts_enabled', false, actor);
  return () => updateSetting('notification.fault_alerts_enabled', true, actor);
}
