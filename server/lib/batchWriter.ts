import { logger } from '../logger.js';

export interface BatchWriterOptions<T> {
  /** Shown in the log when a flush fails. */
  name: string;
  write: (items: T[]) => Promise<void>;
  flushMs?: number;
  /** A buffer this long is flushed at once instead of waiting for the timer. */
  maxBuffer?: number;
}

/**
 * Log rows buffered in memory and written in one batch at least every `flushMs` (and on shutdown
 * via flush()), so recording them never sits on a request's response path. A failed batch is
 * logged and dropped: losing a second of log rows must not take the request path down with it.
 */
export class BatchWriter<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushMs: number;
  private readonly maxBuffer: number;

  constructor(private readonly options: BatchWriterOptions<T>) {
    this.flushMs = options.flushMs ?? 1000;
    this.maxBuffer = options.maxBuffer ?? 5000;
  }

  push(item: T): void {
    this.buffer.push(item);
    if (this.buffer.length >= this.maxBuffer) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes everything buffered so far; safe to call concurrently (flushes are serialised). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing
      .then(() => (items.length ? this.options.write(items) : undefined))
      .catch((err) => logger().error({ err }, `${this.options.name} flush failed`));
    return this.flushing;
  }
}
