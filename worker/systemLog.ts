import { logger } from '../server/logger.js';
import { SystemLog } from '../server/models/index.js';

export type SystemLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'alert';

/**
 * A row in `system_logs` (shown to super admins) plus the same event in the JSON log. Used for
 * what an operator must see without reading process output: jobs that failed for good, etc.
 * Never throws: losing a log row must not fail the work being logged.
 */
export async function writeSystemLog(
  level: SystemLogLevel,
  source: string,
  message: string,
  context?: Record<string, unknown>,
): Promise<void> {
  const pinoLevel = level === 'alert' ? 'fatal' : level;
  logger()[pinoLevel]({ source, ...context }, message);
  try {
    await SystemLog.create({ level, source: source.slice(0, 64), message, context: context ?? null });
  } catch (err) {
    logger().error({ err, source }, 'could not write system log row');
  }
}
