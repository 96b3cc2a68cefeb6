import Bull, { type JobOptions, type Queue } from 'bull';
import type { Redis } from 'ioredis';
import { config } from '../config.js';
import { createRedis } from '../redis.js';

/** Every queue Seahorse uses. One name, one purpose. */
export const QUEUE_NAMES = [
  'email',
  'card-keys',
  'callbacks',
  'exports',
  'maintenance',
  'stats',
  'backups',
  'payments',
  'notifications',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const DEFAULT_JOB_OPTIONS: JobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
};

const queues = new Map<QueueName, Queue>();
let client: Redis | undefined;
let subscriber: Redis | undefined;

function connection(type: 'client' | 'subscriber' | 'bclient'): Redis {
  // Bull needs blocking/subscriber connections without request retries or ready checks.
  const opts = { maxRetriesPerRequest: null, enableReadyCheck: false };
  if (type === 'client') return (client ??= createRedis(opts));
  if (type === 'subscriber') return (subscriber ??= createRedis(opts));
  return createRedis(opts);
}

/** The one place queues are created: web processes enqueue, the worker processes. */
export function queue(name: QueueName): Queue {
  let q = queues.get(name);
  if (!q) {
    q = new Bull(name, {
      prefix: `${config().REDIS_PREFIX}:bull`,
      createClient: connection,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
      // A killed worker's running job is taken again once its lock lapses (Bull's stalled check).
      settings: { lockDuration: config().QUEUE_LOCK_MS, stalledInterval: config().QUEUE_LOCK_MS },
    });
    queues.set(name, q);
  }
  return q;
}

export async function closeQueues(): Promise<void> {
  const all = [...queues.values()];
  queues.clear();
  await Promise.all(all.map((q) => q.close()));
  client = undefined;
  subscriber = undefined;
}

/** Closes one queue and forgets it, so the next queue(name) opens a fresh one (a worker stopping). */
export async function closeQueue(name: QueueName): Promise<void> {
  const q = queues.get(name);
  if (!q) return;
  queues.delete(name);
  await q.close();
}
