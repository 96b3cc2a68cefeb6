import pg from 'pg';
import { Sequelize, Transaction } from 'sequelize';
import { config } from '../config.js';
import { initModels } from '../models/index.js';

// BIGINT ids and counts fit in a JS number for this product's lifetime; NUMERIC (money) stays a string.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

let sequelize: Sequelize | undefined;

export function db(): Sequelize {
  if (!sequelize) {
    const cfg = config();
    sequelize = new Sequelize(cfg.DATABASE_URL, {
      dialect: 'postgres',
      logging: false,
      pool: { max: cfg.DATABASE_POOL_MAX, min: 0, idle: 10_000, acquire: 30_000 },
      define: { underscored: true },
    });
    initModels(sequelize);
  }
  return sequelize;
}

export async function closeDb(): Promise<void> {
  if (sequelize) {
    const s = sequelize;
    sequelize = undefined;
    await s.close();
  }
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Runs `work` in one transaction, retrying serialization failures and deadlocks so that they never
 * reach a user. Every money, points or key move goes through here.
 */
export async function inTransaction<T>(
  work: (t: Transaction) => Promise<T>,
  options: { isolationLevel?: Transaction.ISOLATION_LEVELS; attempts?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db().transaction({ isolationLevel: options.isolationLevel }, work);
    } catch (err) {
      const code = (err as { parent?: { code?: string }; original?: { code?: string } }).parent?.code;
      if (attempt < attempts && code && RETRYABLE.has(code)) {
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
        continue;
      }
      throw err;
    }
  }
}
