import type { Express } from 'express';

/**
 * Mounts the AdminJS back office at /admin (and bull-board at /admin/queues).
 * Placeholder until the admin module lands: the admin helper replaces this file.
 */
export async function mountAdmin(_app: Express): Promise<void> {
  throw new Error('admin not built yet');
}
