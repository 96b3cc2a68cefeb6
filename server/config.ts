import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * All configuration comes from the environment and is validated once at start-up.
 * Development defaults let `npm start` work on a fresh machine; in production every secret
 * must be set explicitly and must not equal its development default.
 */
const DEV_SECRETS = {
  SESSION_SECRET: 'dev-session-secret-change-me-please-0123456789',
  MASTER_KEY: '0000000000000000000000000000000000000000000000000000000000000000',
  JWT_SECRET: 'dev-jwt-secret-change-me-please-0123456789',
  BACKUP_KEY: '1111111111111111111111111111111111111111111111111111111111111111',
} as const;

const hexKey = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (a 32-byte key); generate one with `openssl rand -hex 32`');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (entry: string) => {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  if (family === 4 && isIP(bits) === 4) return true; // a dotted netmask
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

/**
 * Express's `trust proxy` without its "trust everyone" form: `false` (no proxy), a hop count (the
 * number of proxies in front of us), or the proxies' addresses/CIDRs (and loopback, linklocal,
 * uniquelocal). `true` would take the client's own left-most X-Forwarded-For, which anyone can forge.
 */
const trustProxy = z
  .string()
  .transform((v, ctx): false | number | string[] => {
    const value = v.trim().toLowerCase();
    if (['false', 'no', '0', 'off'].includes(value)) return false;
    if (/^\d{1,2}$/.test(value)) return Number(value);
    const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
    if (['true', 'yes', 'on'].includes(value) || !entries.length || !entries.every(isProxyAddress)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be false, the number of proxies in front of the server (e.g. 1), or their addresses/CIDRs (e.g. 10.0.0.0/8,127.0.0.1); "true" would trust any client\'s X-Forwarded-For',
      });
      return z.NEVER;
    }
    return entries;
  });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/seahorse'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().regex(/^[a-z0-9_:-]+$/i).default('seahorse'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_SECRETS.SESSION_SECRET),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  MASTER_KEY: hexKey.default(DEV_SECRETS.MASTER_KEY),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_SECRETS.JWT_SECRET),
  BACKUP_KEY: hexKey.default(DEV_SECRETS.BACKUP_KEY),
  BACKUP_DIR: z.string().default('./backups'),
  EXPORT_DIR: z.string().default('./exports'),
  UPLOAD_TMP_DIR: z.string().default(''),
  UPLOAD_DIR: z.string().default('./uploads'),
  BCRYPT_ROUNDS: z.coerce.number().int().min(4).max(15).default(11),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().default('Seahorse <no-reply@seahorse.local>'),
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  EMAIL_RETRY_DELAY_MS: z.coerce.number().int().min(1).max(3_600_000).default(5000),
  ADMIN_USERNAME: z.string().regex(/^[a-zA-Z0-9_]{3,32}$/, '3-32 letters, digits or _').default('superadmin'),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  OPEN_RATE_APP_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
  OPEN_RATE_IP_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  OPEN_RATE_BLOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  CALLBACK_RETRY_DELAY_MS: z.coerce.number().int().min(1).max(3_600_000).default(5000),
  // Hosts callbacks may reach although they are (or resolve to) internal addresses: `host:port` or `host:*`.
  CALLBACK_ALLOWED_HOSTS: z
    .string()
    .transform((v) => v.split(',').map((e) => e.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\*|\d{1,5})$/, 'entries are host:port or host:* (e.g. 127.0.0.1:*, hooks.internal:8443)')))
    .default([]),
  RUN_WORKER: bool.default(true),
  TRUST_PROXY: trustProxy.default(false),
  ADMIN_ASSETS: z.enum(['bundled', 'dev']).optional(),
  // WeChat (mini-program login, subscribe messages) and WeChat Pay API v3. Keys are PEM text or a
  // file path. Without the pay keys, ordering still works and paying answers "payment not configured".
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  WECHAT_PAY_BASE: z.string().url().default('https://api.mch.weixin.qq.com'),
  WECHAT_APP_ID: z.string().max(32).default('wx_dev_appid'),
  WECHAT_APP_SECRET: z.string().optional(),
  WECHAT_MCH_ID: z.string().max(32).default('1900000000'),
  WECHAT_MCH_PRIVATE_KEY: z.string().optional(),
  WECHAT_MCH_CERT_SERIAL: z.string().optional(),
  WECHAT_APIV3_KEY: z.string().length(32, 'must be the 32-character APIv3 key').optional(),
  WECHAT_PAY_PUBLIC_KEY: z.string().optional(),
  WECHAT_PAY_PUBLIC_KEY_ID: z.string().optional(),
  WECHAT_PAY_PLATFORM_CERT: z.string().optional(),
  WECHAT_NOTIFY_URL: z.string().url().optional(),
  WECHAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8000),
  // Mini-program tokens: a short-lived access JWT and a longer refresh JWT (both signed with JWT_SECRET).
  MINI_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(7200),
  MINI_REFRESH_TTL_SECONDS: z.coerce.number().int().min(300).max(90 * 86_400).default(30 * 86_400),
  MINI_LOGIN_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  // Faults: a running job's Bull lock (a killed worker's job runs again after it lapses), how often
  // the worker checks that Redis still holds its schedules, and the token for GET /metrics.
  QUEUE_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  WORKER_WATCH_MS: z.coerce.number().int().min(200).max(3_600_000).default(30_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type Config = Omit<z.infer<typeof schema>, 'PUBLIC_URL'> & { PUBLIC_URL: string; isProduction: boolean; isTest: boolean };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const cfg = parsed.data;
  if (cfg.NODE_ENV === 'production') {
    const problems: string[] = [];
    for (const [name, devValue] of Object.entries(DEV_SECRETS)) {
      if (!raw[name] || raw[name] === devValue) problems.push(`${name}: must be set to a real secret in production`);
    }
    if (!cfg.SMTP_URL) problems.push('SMTP_URL: must be set in production (mail is never dropped silently)');
    if (problems.length) throw new ConfigError(problems);
  }
  // Links in emails and the login hint follow the port unless a public address is given.
  const PUBLIC_URL = (cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`).replace(/\/+$/, '');
  return { ...cfg, PUBLIC_URL, isProduction: cfg.NODE_ENV === 'production', isTest: cfg.NODE_ENV === 'test' };
}

let current: Config | undefined;

/** The process-wide configuration, loaded on first use. */
export function config(): Config {
  current ??= loadConfig();
  return current;
}

/** Tests and the CLI replace the configuration before anything else reads it. */
export function setConfig(next: Config): void {
  current = next;
}
