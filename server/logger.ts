import { pino, type Logger } from 'pino';
import { config } from './config.js';

let root: Logger | undefined;

/** Structured JSON logs; child loggers carry the component and, in requests, the request id. */
export function logger(): Logger {
  root ??= pino({
    level: config().LOG_LEVEL,
    base: { service: 'seahorse' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.secret'], censor: '[redacted]' },
  });
  return root;
}
