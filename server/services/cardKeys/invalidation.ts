import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { logger } from '../../logger.js';
import { createRedis, redis, redisKey } from '../../redis.js';

/**
 * Cross-process cache invalidation for card-key state and project credentials. Every write that
 * changes what a verification would answer publishes here after it commits; every process drops
 * its cached copies when the message arrives (Redis pub/sub, typically within milliseconds).
 */
export type Invalidation =
  | { codes: string[] }
  | { batchId: number }
  | { projectId: number }
  | { all: true };

type Listener = (message: Invalidation) => void;

const listeners = new Set<Listener>();
// Each message is applied locally when published; the copy this process hears back is skipped.
const ORIGIN = randomUUID();
let subscriber: Redis | undefined;
let subscribing: Promise<void> | undefined;
let live = false;
/** Callers of startInvalidationListener waiting for the subscription (or for it to be stopped). */
const waiting: Array<() => void> = [];
const release = () => {
  for (const resolve of waiting.splice(0)) resolve();
};

const channel = () => redisKey('card-keys', 'invalidate');

function dispatch(message: Invalidation): void {
  for (const listener of listeners) listener(message);
}

/**
 * True only while this process is subscribed. Caches must not answer while it is false: a change
 * published meanwhile would not reach them (keyCache and projectCredentials read the database
 * instead, and cache nothing).
 */
export const invalidationsLive = (): boolean => live;

/**
 * Subscribes this process once. Losing the subscription drops every cache and stops them answering
 * until it is back (messages may have been missed); each (re)subscription starts them empty.
 */
export function startInvalidationListener(): Promise<void> {
  if (subscribing) return subscribing;
  const sub = createRedis({ maxRetriesPerRequest: null });
  subscriber = sub;
  const lost = () => {
    if (subscriber !== sub || !live) return; // a stopped client's late close is not the current one's
    live = false;
    dispatch({ all: true });
  };
  sub.on('close', lost);
  sub.on('ready', () => {
    // ioredis resubscribes by itself after a reconnect; subscribing again is harmless and tells us when.
    sub.subscribe(channel()).then(
      () => {
        if (subscriber !== sub) return;
        dispatch({ all: true });
        live = true;
        release();
      },
      (err) => logger().error({ err }, 'card-key invalidation subscribe failed'),
    );
  });
  sub.on('message', (ch: string, raw: string) => {
    if (ch !== channel()) return;
    try {
      const { origin, ...message } = JSON.parse(raw) as Invalidation & { origin?: string };
      if (origin !== ORIGIN) dispatch(message as Invalidation);
    } catch (err) {
      logger().warn({ err }, 'bad card-key invalidation message');
    }
  });
  sub.on('error', (err) => logger().warn({ err }, 'card-key invalidation subscriber error'));
  subscribing = new Promise<void>((resolve) => waiting.push(resolve));
  return subscribing;
}

export function onInvalidation(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Applies locally at once, then tells every other process. */
export async function publishInvalidation(message: Invalidation): Promise<void> {
  dispatch(message);
  const CHUNK = 1000;
  if ('codes' in message && message.codes.length > CHUNK) {
    for (let i = 0; i < message.codes.length; i += CHUNK) {
      await redis().publish(channel(), JSON.stringify({ codes: message.codes.slice(i, i + CHUNK), origin: ORIGIN }));
    }
    return;
  }
  await redis().publish(channel(), JSON.stringify({ ...message, origin: ORIGIN }));
}

export function stopInvalidationListener(): void {
  const sub = subscriber;
  subscriber = undefined;
  subscribing = undefined;
  if (live) {
    live = false;
    dispatch({ all: true });
  }
  sub?.disconnect();
  release();
}
