import type { Redis } from 'ioredis';
import { logger } from '../../logger.js';
import { createRedis, redis, redisKey } from '../../redis.js';

/**
 * What changed, published after the change commits. Every process that caches API keys, the API
 * catalog or metering-service credentials drops the named entries when the message arrives, so a
 * disabled or deleted key is refused everywhere at once (the charge itself re-checks the key in
 * the database, so a lost message can only delay a refusal served from cache, never allow a charge).
 */
export interface InvalidationMessage {
  /** `meta_auth_key.key_hash` of keys whose state changed. */
  keyHashes?: string[];
  /** The API catalog changed (price, status, name). */
  catalog?: boolean;
  /** `metering_services.client_id` of services whose credentials or status changed. */
  serviceClientIds?: string[];
}

const channel = () => redisKey('apikeys', 'invalidate');

export async function publishInvalidation(message: InvalidationMessage): Promise<void> {
  try {
    await redis().publish(channel(), JSON.stringify(message));
  } catch (err) {
    // The change is committed; caches age out on their TTL. Say so loudly rather than fail the request.
    logger().error({ err, message }, 'api key cache invalidation could not be published');
  }
}

/**
 * One subscription per cache owner. `live` is true only while subscribed: a cache must not serve
 * entries while it might be missing invalidations, and every (re)subscription clears it.
 */
export class InvalidationSubscriber {
  private client: Redis | undefined;
  private subscribed = false;
  /** Bumped on every message and reconnect: a load that started before it must not be cached. */
  generation = 0;

  constructor(
    private readonly onMessage: (message: InvalidationMessage) => void,
    private readonly onReset: () => void,
  ) {}

  get live(): boolean {
    return this.subscribed;
  }

  start(): void {
    if (this.client) return;
    const client = createRedis({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    this.client = client;
    const reset = () => {
      this.subscribed = false;
      this.generation++;
      this.onReset();
    };
    client.on('close', reset);
    client.on('error', (err) => logger().warn({ err }, 'api key invalidation subscriber error'));
    client.on('ready', () => {
      client.subscribe(channel()).then(
        () => {
          reset();
          this.subscribed = true;
        },
        (err) => logger().error({ err }, 'api key invalidation subscribe failed'),
      );
    });
    client.on('message', (_channel: string, raw: string) => {
      this.generation++;
      try {
        this.onMessage(JSON.parse(raw) as InvalidationMessage);
      } catch (err) {
        logger().error({ err }, 'bad api key invalidation message; clearing caches');
        this.onReset();
      }
    });
  }

  /** Resolves once subscribed (tests and start-up use it; requests never wait for it). */
  async ready(timeoutMs = 5000): Promise<void> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    while (!this.subscribed) {
      if (Date.now() > deadline) throw new Error('api key invalidation subscriber did not connect');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.subscribed = false;
    if (client) await client.quit().catch(() => client.disconnect());
  }
}
