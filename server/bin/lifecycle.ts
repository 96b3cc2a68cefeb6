import { readdirSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { closeQueues } from '../queues/queue.js';
import { ConfigError, loadConfig, setConfig, type Config } from '../config.js';
import { closeDb, db } from '../db/index.js';
import { checkRedis, ensureDatabase, migrate, PreflightError, redactUrl } from '../db/preflight.js';
import { isAppError } from '../errors.js';
import { projectRoot } from '../lib/paths.js';
import { logger } from '../logger.js';
import { closeRedis } from '../redis.js';
import { sendKeyUses } from '../services/apiKeys/usage.js';
import { closeSmtpTransports } from '../services/email/transport.js';

/**
 * What every entry point (start, web, worker, CLI) shares: configuration from the environment
 * (and `.env` when present), the service checks, clear operator messages instead of stack traces,
 * and an orderly shutdown.
 */
export function loadEnvironment(): Config {
  dotenv.config({ path: path.join(projectRoot(), '.env'), quiet: true });
  const cfg = loadConfig();
  setConfig(cfg);
  return cfg;
}

/** Problems an operator fixes (configuration, services, bad input) print one message; bugs print a stack. */
export function describeFailure(err: unknown): { message: string; expected: boolean } {
  if (err instanceof ConfigError) return { message: `Configuration problem:\n${err.problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`, expected: true };
  if (err instanceof PreflightError) return { message: err.message, expected: true };
  if (isAppError(err)) return { message: err.message, expected: true };
  return { message: err instanceof Error ? (err.stack ?? err.message) : String(err), expected: false };
}

/** Runs an entry point; on failure prints what went wrong and exits non-zero. */
export function runMain(name: string, body: () => Promise<void>): void {
  body().catch(async (err: unknown) => {
    const { message, expected } = describeFailure(err);
    console.error(`\n${name}: ${expected ? '' : 'unexpected error: '}${message}\n`);
    await closeEverything().catch(() => undefined);
    process.exit(1);
  });
}

/** Postgres (database created when missing) and Redis must answer before anything starts. */
export async function checkServices(cfg: Config): Promise<{ databaseCreated: boolean }> {
  const { created } = await ensureDatabase(cfg.DATABASE_URL);
  await checkRedis(cfg.REDIS_URL);
  db(); // initialises the models for everything that runs after the checks
  return { databaseCreated: created };
}

export async function runMigrations(cfg: Config): Promise<void> {
  try {
    await migrate(cfg.DATABASE_URL);
  } catch (err) {
    throw new PreflightError(`Migrating ${redactUrl(cfg.DATABASE_URL)} failed:\n${(err as Error).message}`);
  }
}

/** `npm run web` / `npm run worker` never migrate (several may start at once): they refuse an outdated schema. */
export async function assertSchemaCurrent(cfg: Config): Promise<void> {
  const files = readdirSync(path.join(projectRoot(), 'migrations')).filter((f) => /\.(c|m)?js$/.test(f));
  let applied = new Set<string>();
  try {
    const [rows] = await db().query('SELECT name FROM sequelize_meta');
    applied = new Set((rows as Array<{ name: string }>).map((r) => r.name));
  } catch {
    // No bookkeeping table yet: every migration is pending.
  }
  const pending = files.filter((f) => !applied.has(f));
  if (pending.length) {
    throw new PreflightError(
      `The database ${redactUrl(cfg.DATABASE_URL)} is missing ${pending.length} migration(s) (${pending.join(', ')}).\n` +
        'Run `npx seahorse db:migrate` (or `npm start` once) before starting web or worker processes.',
    );
  }
}

export async function closeEverything(): Promise<void> {
  await closeQueues();
  closeSmtpTransports();
  await closeDb();
  await sendKeyUses();
  await closeRedis();
}

/** SIGTERM / SIGINT: run `stop` (drain) once, close pools, exit 0. A second signal exits at once. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    logger().info({ signal }, 'shutting down');
    stop()
      .then(closeEverything)
      .then(
        () => {
          logger().info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          logger().error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
