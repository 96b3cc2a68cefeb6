import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import pg from 'pg';
import { projectRoot } from '../lib/paths.js';

/** A problem with the machine's services that the operator must fix; printed without a stack trace. */
export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

const PG_HINT =
  'Start PostgreSQL (Debian: `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) ' +
  'or point DATABASE_URL at a running server.';
const REDIS_HINT =
  'Start Redis (`redis-server --daemonize yes --bind 127.0.0.1 --port 6379`) or point REDIS_URL at a running server.';

/** Connects to the server's maintenance database and creates the target database when missing. */
export async function ensureDatabase(url: string): Promise<{ created: boolean }> {
  const name = databaseName(url);
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new PreflightError(
      `Cannot reach PostgreSQL at ${redactUrl(url)} (${e.code ?? e.message}).\n${PG_HINT}`,
    );
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return { created: false };
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return { created: true };
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName(url))} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function checkRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new PreflightError(`Cannot reach Redis at ${redactUrl(url)} (${e.code ?? e.message}).\n${REDIS_HINT}`);
  } finally {
    client.disconnect();
  }
}

/** Runs sequelize-cli (the only way the schema changes) against `databaseUrl`. */
export function runSequelizeCli(args: string[], databaseUrl: string): Promise<string> {
  const cli = createRequire(import.meta.url).resolve('sequelize-cli/lib/sequelize');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: projectRoot(),
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`sequelize-cli ${args.join(' ')} failed (exit ${code}):\n${out}`)),
    );
  });
}

export const migrate = (databaseUrl: string) => runSequelizeCli(['db:migrate'], databaseUrl);
