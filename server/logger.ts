import { pino, type DestinationStream, type Logger } from 'pino';
import { config } from './config.js';

let root: Logger | undefined;
let destination: DestinationStream | undefined;

/**
 * Never logged: credentials in headers (session cookies both ways, bearer tokens), the Referer (it
 * carries the URL a person came from, e.g. a reset link) and secret-looking fields of logged objects.
 */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers.referer',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.refreshToken',
];

/** Structured JSON logs; child loggers carry the component and, in requests, the request id. */
export function logger(): Logger {
  const options = { level: config().LOG_LEVEL, base: { service: 'seahorse' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  root ??= destination ? pino(options, destination) : pino(options);
  return root;
}

/** Sends the logs somewhere else from now on (a test reading what was logged); undefined = stdout. */
export function setLogDestination(next: DestinationStream | undefined): void {
  destination = next;
  root = undefined;
}
