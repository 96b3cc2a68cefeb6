import { LRUCache } from 'lru-cache';
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { db } from '../../db/index.js';
import { AppError, unauthorized } from '../../errors.js';
import { InvalidationSubscriber, type InvalidationMessage } from '../apiKeys/invalidation.js';
import { compileWhitelist, normalizeIp, type IpMatcher } from '../apiKeys/ipWhitelist.js';
import { hashApiKey, isWellFormedApiKey } from '../apiKeys/keyFormat.js';
import { recordKeyUse } from '../apiKeys/usage.js';
import { secretMatches } from './meteringServices.js';

/** Why a charge was refused, in the order the checks run. */
export const DENY_REASONS = {
  KEY_NOT_FOUND: 'API Key 不存在或已删除',
  KEY_DISABLED: 'API Key 已禁用',
  KEY_EXPIRED: 'API Key 已过期',
  API_NOT_FOUND: '接口不存在或已停用',
  API_NOT_IN_SCOPE: '该 API Key 无权调用此接口',
  IP_NOT_ALLOWED: '调用方 IP 不在该 API Key 的白名单内',
  USER_FROZEN: '用户账号已冻结',
  INSUFFICIENT_POINTS: '积分不足',
  REQUEST_ID_REUSED: '该请求号已被其他 API Key 使用',
} as const;
export type DenyReason = keyof typeof DENY_REASONS;

export type ChargeDecision =
  | { decision: 'allow'; chargedPoints: number; remainingPoints: number; recordId: string; replayed: boolean }
  | { decision: 'deny'; reason: DenyReason; message: string; remainingPoints?: number };

export const chargeInput = z.object({
  apiKey: z.string().min(1, 'apiKey 必填').max(128),
  apiName: z.string().min(1, 'apiName 必填').max(64),
  callerIp: z
    .string()
    .max(64)
    .refine((ip) => normalizeIp(ip) !== null, 'callerIp 必须是合法的 IPv4 或 IPv6 地址'),
  requestId: z
    .string()
    .regex(/^[\w.:-]{1,128}$/, 'requestId 为 1-128 位字母、数字或 _ . : -')
    .optional(),
});
export type ChargeInput = z.infer<typeof chargeInput>;

/** Filled in by `charge` for the caller's records (the call log): whose key the charge named. */
export interface ChargeContext {
  keyOwnerId?: string;
  keyId?: string;
}

export interface ServiceIdentity {
  id: number;
  clientId: string;
  /** The stored secret hash the request was verified against; the charge re-checks it is still current. */
  secretHash: string;
}

interface CachedKey {
  id: string;
  userId: string;
  enabled: boolean;
  expiresAt: number;
  scopeAll: boolean;
  apiIds: Set<number>;
  whitelist: IpMatcher;
}
interface CachedApi {
  id: number;
  active: boolean;
}
interface CachedService {
  id: number;
  clientId: string;
  secretHash: string;
  enabled: boolean;
}
/** Remembered absence ("no such key"), so garbage keys cost no database round trip. */
const MISSING = { missing: true } as const;
type Missing = typeof MISSING;

const serviceRefused = () => unauthorized('计费服务认证失败', 'SERVICE_UNAUTHORIZED', 1401);

const deny = (reason: DenyReason, remainingPoints?: number): ChargeDecision => ({
  decision: 'deny',
  reason,
  message: DENY_REASONS[reason],
  ...(remainingPoints === undefined ? {} : { remainingPoints }),
});

/** What the database function `charge_points` answers (sql/charge_points.sql). */
interface ChargeRow {
  decision: 'allow' | 'deny' | 'unauthorized';
  reason: DenyReason | null;
  charged_points: number | null;
  remaining_points: number | null;
  record_id: string | null;
  replayed: boolean | null;
}

/** A row of `charge_points_batch` (sql/charge_points_batch.sql): the ChargeRow of the element at `idx`. */
interface BatchRow extends ChargeRow {
  idx: number;
}

interface PendingCharge {
  keyId: string;
  apiId: number;
  service: ServiceIdentity;
  requestId: string | null;
  resolve(row: ChargeRow | 'REQUEST_ID_REUSED'): void;
  reject(err: unknown): void;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const UNIQUE_VIOLATION = '23505';
/** lock_not_available: the charge functions wait at most 2 s (their `lock_timeout`) for a user row. */
const LOCK_TIMEOUT = '55P03';
const busy = () => new AppError(503, 1503, 'METERING_BUSY', '该用户的积分正被其他操作占用，本次未扣费；请稍后用同一 requestId 重试');
const sqlState = (err: unknown) => (err as { parent?: { code?: string } }).parent?.code;
const CHARGE_ATTEMPTS = 5;
/**
 * Charge statements of one process running at once; charges arriving meanwhile wait and share the
 * next statement. One: concurrent statements mostly hold the same users' locks and wait for each
 * other, and a free slot took whatever single charge was waiting — with 4, 70% of statements carried
 * one charge and the benchmark ran at 0.66–0.75× its baseline; with 1, about 30 per statement and
 * 0.88–1.02× (more server processes, not more statements per process, scale it).
 */
const MAX_IN_FLIGHT = 1;
/** Charges in one statement at most (a batch is one transaction holding its users' row locks). */
const MAX_BATCH = 256;

/**
 * The metering engine of one server process. Keys, the catalog and service credentials are cached
 * in memory, but only to answer REFUSALS and to find ids quickly: every allowed charge re-reads the
 * service credentials, key, user, API price and scope with the user row locked, and draws the
 * points, in one database call (`charge_points`, which draws through `points_draw`, as admin
 * deductions do). So the database alone decides what is spent — a stale cache
 * can at worst refuse, never overdraw or accept a revoked key. Redis pub/sub drops changed entries
 * everywhere; while not subscribed the caches are bypassed.
 */
export class Meter {
  private readonly keys = new LRUCache<string, CachedKey | Missing>({ max: 50_000, ttl: 60_000 });
  private readonly apis = new LRUCache<string, CachedApi | Missing>({ max: 5_000, ttl: 10_000 });
  private readonly services = new LRUCache<string, CachedService | Missing>({ max: 1_000, ttl: 60_000 });
  readonly invalidations: InvalidationSubscriber;
  /** Listeners told about every processed invalidation (tests wait on it instead of sleeping). */
  private readonly listeners = new Set<(m: InvalidationMessage) => void>();

  constructor() {
    this.invalidations = new InvalidationSubscriber(
      (message) => {
        for (const hash of message.keyHashes ?? []) this.keys.delete(hash);
        for (const clientId of message.serviceClientIds ?? []) this.services.delete(clientId);
        if (message.catalog) this.apis.clear();
        for (const l of this.listeners) l(message);
      },
      () => {
        this.keys.clear();
        this.apis.clear();
        this.services.clear();
      },
    );
    this.invalidations.start();
  }

  onInvalidation(listener: (m: InvalidationMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async cached<V extends object>(cache: LRUCache<string, V | Missing>, id: string, load: () => Promise<V | null>): Promise<V | null> {
    if (this.invalidations.live) {
      const hit = cache.get(id);
      if (hit) return 'missing' in hit ? null : (hit as V);
    }
    const generation = this.invalidations.generation;
    const value = await load();
    if (this.invalidations.live && generation === this.invalidations.generation) cache.set(id, value ?? MISSING);
    return value;
  }

  /** HTTP Basic client credentials of a registered, enabled metering service; anything else is a 401. */
  async authenticate(authorization: string | undefined): Promise<ServiceIdentity> {
    const match = /^Basic\s+([A-Za-z0-9+/=]{1,512})$/i.exec(authorization ?? '');
    if (!match) throw serviceRefused();
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw serviceRefused();
    const clientId = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    if (!/^[\w-]{1,64}$/.test(clientId) || secret.length === 0 || secret.length > 256) throw serviceRefused();
    const service = await this.cached(this.services, clientId, async () => {
      const [row] = await db().query<{ id: number; client_id: string; secret_hash: string; status: number }>(
        'SELECT id, client_id, secret_hash, status FROM metering_services WHERE client_id = :clientId',
        { replacements: { clientId }, type: QueryTypes.SELECT },
      );
      return row ? { id: row.id, clientId: row.client_id, secretHash: row.secret_hash, enabled: row.status === 1 } : null;
    });
    if (!service || !service.enabled || !secretMatches(secret, service.secretHash)) throw serviceRefused();
    return { id: service.id, clientId: service.clientId, secretHash: service.secretHash };
  }

  private loadKey(hash: string): Promise<CachedKey | null> {
    return this.cached(this.keys, hash, async () => {
      const [row] = await db().query<{
        id: string;
        user_id: string;
        status: number;
        expires_at: Date;
        scope_all: boolean;
        ip_whitelist: string[];
        api_ids: number[];
      }>(
        `SELECT k.id, k.user_id, k.status, k.expires_at, k.scope_all, k.ip_whitelist,
                COALESCE(array_agg(s.api_id) FILTER (WHERE s.api_id IS NOT NULL), '{}') AS api_ids
           FROM meta_auth_key k LEFT JOIN api_key_scopes s ON s.api_key_id = k.id
          WHERE k.key_hash = :hash AND k.deleted_at IS NULL
          GROUP BY k.id`,
        { replacements: { hash }, type: QueryTypes.SELECT },
      );
      if (!row) return null;
      return {
        id: row.id,
        userId: row.user_id,
        enabled: row.status === 1,
        expiresAt: row.expires_at.getTime(),
        scopeAll: row.scope_all,
        apiIds: new Set(row.api_ids),
        whitelist: compileWhitelist(row.ip_whitelist),
      };
    });
  }

  private loadApi(name: string): Promise<CachedApi | null> {
    return this.cached(this.apis, name, async () => {
      const [row] = await db().query<{ id: number; status: number }>('SELECT id, status FROM api_catalog WHERE name = :name', {
        replacements: { name },
        type: QueryTypes.SELECT,
      });
      return row ? { id: row.id, active: row.status === 1 } : null;
    });
  }

  /**
   * Decides and, when allowed, charges one call. Checks in order: key exists, enabled, not expired,
   * API exists and is in the key's scope, caller IP whitelisted, user not frozen, enough points.
   * The same (service, requestId) is charged at most once; a repeat answers the original charge.
   */
  async charge(service: ServiceIdentity, input: ChargeInput, seen: ChargeContext = {}): Promise<ChargeDecision> {
    if (!isWellFormedApiKey(input.apiKey)) return deny('KEY_NOT_FOUND');
    const hash = hashApiKey(input.apiKey);
    const [key, api] = await Promise.all([this.loadKey(hash), this.loadApi(input.apiName)]);
    if (!key) return deny('KEY_NOT_FOUND');
    seen.keyOwnerId = key.userId;
    seen.keyId = key.id;
    if (!key.enabled) return deny('KEY_DISABLED');
    if (key.expiresAt <= Date.now()) return deny('KEY_EXPIRED');
    if (!api || !api.active) return deny('API_NOT_FOUND');
    if (!key.scopeAll && !key.apiIds.has(api.id)) return deny('API_NOT_IN_SCOPE');
    if (!key.whitelist.allows(input.callerIp)) return deny('IP_NOT_ALLOWED');

    const row = await this.chargeInDatabase(key.id, api.id, service, input.requestId ?? null);
    if (row === 'REQUEST_ID_REUSED') return deny('REQUEST_ID_REUSED');
    if (row.decision === 'unauthorized') {
      // Disabled or re-keyed a moment ago; the invalidation has not reached this process yet.
      this.services.delete(service.clientId);
      throw serviceRefused();
    }
    let decision: ChargeDecision;
    if (row.decision === 'allow') {
      decision = { decision: 'allow', chargedPoints: row.charged_points!, remainingPoints: row.remaining_points!, recordId: row.record_id!, replayed: row.replayed! };
    } else {
      const reason = row.reason!;
      // The cache was behind the database (the invalidation is still in flight): forget the entry.
      if (reason.startsWith('KEY_') || reason === 'API_NOT_IN_SCOPE') this.keys.delete(hash);
      if (reason === 'API_NOT_FOUND') this.apis.delete(input.apiName);
      decision = deny(reason, row.remaining_points ?? undefined);
    }
    if (decision.decision === 'allow' && !decision.replayed) recordKeyUse(key.id);
    return decision;
  }

  /**
   * The authoritative decision and the charge. Concurrent charges of this process share ONE
   * statement, `charge_points_batch`, run as its own transaction: while a statement is running, new
   * charges wait and go together in the next one (an idle process sends a charge at once, through
   * `charge_points`). The batch locks its users, re-reads the service credentials,
   * keys, APIs and scopes under those locks, answers repeated request ids, and decides each user's
   * charges in queue order exactly as `charge_points` one after another would; it then draws each
   * user's sum FIFO through `points_take_lots`, the draw `points_draw` uses too.
   */
  private chargeInDatabase(keyId: string, apiId: number, service: ServiceIdentity, requestId: string | null): Promise<ChargeRow | 'REQUEST_ID_REUSED'> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ keyId, apiId, service, requestId, resolve, reject });
      this.pump();
    });
  }

  private waiting: PendingCharge[] = [];
  private inFlight = 0;

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /**
   * The oldest waiting charges, with each (service, request id) at most once: a repeat waits for the
   * next statement, where it finds the first one committed (the function would decide it too, but
   * only one by one).
   */
  private takeBatch(): PendingCharge[] {
    const requests = new Set<string>();
    const batch: PendingCharge[] = [];
    const rest: PendingCharge[] = [];
    for (const p of this.waiting) {
      const request = p.requestId === null ? null : `${p.service.id}:${p.requestId}`;
      if (batch.length < MAX_BATCH && (request === null || !requests.has(request))) {
        if (request !== null) requests.add(request);
        batch.push(p);
      } else rest.push(p);
    }
    this.waiting = rest;
    return batch;
  }

  private async runBatch(batch: PendingCharge[]): Promise<void> {
    if (batch.length === 1) return this.runAlone(batch[0]!);
    let rows: BatchRow[];
    try {
      // A bind parameter, not a replacement: the JSON goes to the server as is, never re-escaped.
      rows = await db().query<BatchRow>('SELECT * FROM charge_points_batch($1::jsonb)', {
        bind: [JSON.stringify(batch.map((p) => ({ key: p.keyId, api: p.apiId, service: p.service.id, hash: p.service.secretHash, request: p.requestId })))],
        type: QueryTypes.SELECT,
      });
    } catch (err) {
      // The whole statement was undone. A deadlock, a serialization failure, another user's key
      // committing one of these request ids first, or one user's row held elsewhere: each charge
      // goes alone (with its retries, REQUEST_ID_REUSED for the one that lost, METERING_BUSY for the
      // held user's). Anything else (a lost connection may have committed) is not replayed.
      const code = sqlState(err);
      if (code && (RETRYABLE.has(code) || code === UNIQUE_VIOLATION || code === LOCK_TIMEOUT)) await Promise.all(batch.map((p) => this.runAlone(p)));
      else for (const p of batch) p.reject(err);
      return;
    }
    const answered = new Set<number>();
    for (const row of rows) {
      answered.add(row.idx);
      batch[row.idx]!.resolve(row);
    }
    // Never expected (the function answers every element); a charge must not wait forever if it did not.
    batch.forEach((p, i) => answered.has(i) || p.reject(new Error(`charge_points_batch gave no answer for element ${i}`)));
  }

  private async runAlone(p: PendingCharge): Promise<void> {
    try {
      p.resolve(await this.chargeAlone(p.keyId, p.apiId, p.service, p.requestId));
    } catch (err) {
      p.reject(err);
    }
  }

  /**
   * One charge as ONE statement, `charge_points`, its own transaction. Retried like `inTransaction`
   * on the (not expected: one lock order everywhere) deadlock or serialization failure, as a failed
   * statement changed nothing.
   */
  private async chargeAlone(keyId: string, apiId: number, service: ServiceIdentity, requestId: string | null): Promise<ChargeRow | 'REQUEST_ID_REUSED'> {
    for (let attempt = 1; ; attempt++) {
      try {
        const [row] = await db().query<ChargeRow>('SELECT * FROM charge_points($1, $2, $3, $4, $5)', {
          bind: [keyId, apiId, service.id, service.secretHash, requestId],
          type: QueryTypes.SELECT,
        });
        return row!;
      } catch (err) {
        // Two keys of different users racing with one request id: the unique index lets one through.
        if (err instanceof UniqueConstraintError) return 'REQUEST_ID_REUSED';
        const code = sqlState(err);
        if (code === LOCK_TIMEOUT) throw busy();
        if (attempt < CHARGE_ATTEMPTS && code && RETRYABLE.has(code)) {
          await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
          continue;
        }
        throw err;
      }
    }
  }

  async close(): Promise<void> {
    await this.invalidations.close();
  }
}
