import { LRUCache } from 'lru-cache';
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { db, inTransaction } from '../../db/index.js';
import { unauthorized } from '../../errors.js';
import { InvalidationSubscriber, type InvalidationMessage } from '../apiKeys/invalidation.js';
import { compileWhitelist, normalizeIp, type IpMatcher } from '../apiKeys/ipWhitelist.js';
import { hashApiKey, isWellFormedApiKey } from '../apiKeys/keyFormat.js';
import { recordKeyUse } from '../apiKeys/usage.js';
import { consumePoints, InsufficientPointsError } from '../points/index.js';
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

interface AuthoritativeRow {
  deleted: boolean;
  key_status: number;
  expired: boolean;
  api_status: number | null;
  api_path: string | null;
  points_per_call: number | null;
  user_status: number;
  replay_key_id: string | null;
  replay_record_id: string | null;
  replay_change: number | null;
  replay_remaining: number | null;
  service_ok: boolean;
}

/**
 * The metering engine of one server process. Keys, the catalog and service credentials are cached
 * in memory, but only to answer REFUSALS and to find ids quickly: every allowed charge re-reads the
 * key, the user and the API price inside its transaction (one statement, user row locked), and
 * points move through consumePoints. So the database alone decides what is spent — a stale cache
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
  async charge(service: ServiceIdentity, input: ChargeInput): Promise<ChargeDecision> {
    if (!isWellFormedApiKey(input.apiKey)) return deny('KEY_NOT_FOUND');
    const hash = hashApiKey(input.apiKey);
    const [key, api] = await Promise.all([this.loadKey(hash), this.loadApi(input.apiName)]);
    if (!key) return deny('KEY_NOT_FOUND');
    if (!key.enabled) return deny('KEY_DISABLED');
    if (key.expiresAt <= Date.now()) return deny('KEY_EXPIRED');
    if (!api || !api.active) return deny('API_NOT_FOUND');
    if (!key.scopeAll && !key.apiIds.has(api.id)) return deny('API_NOT_IN_SCOPE');
    if (!key.whitelist.allows(input.callerIp)) return deny('IP_NOT_ALLOWED');

    let decision: ChargeDecision;
    try {
      decision = await inTransaction(async (t) => {
        // synchronous_commit off for this transaction only: the commit no longer waits for the WAL
        // flush (the user-row lock is held through the commit, so that wait bounds a user's charges
        // per second). A database crash can lose the last few hundred ms of charges — calls the
        // user gets for free — but never spends points the user does not have, and never corrupts.
        const [row] = await db().query<AuthoritativeRow>(
          `SET LOCAL synchronous_commit TO OFF;
           SELECT k.deleted_at IS NOT NULL AS deleted, k.status AS key_status, k.expires_at <= now() AS expired,
                  a.status AS api_status, a.path AS api_path, a.points_per_call, u.status AS user_status,
                  r.api_key_id AS replay_key_id, r.id AS replay_record_id,
                  r.points_change AS replay_change, r.remaining_points AS replay_remaining,
                  (ms.status = 1 AND ms.secret_hash = :secretHash) IS TRUE AS service_ok
             FROM meta_auth_key k
             JOIN meta_user u ON u.id = k.user_id
             LEFT JOIN metering_services ms ON ms.id = :serviceId
             LEFT JOIN api_catalog a ON a.id = :apiId
             LEFT JOIN purchase_record r ON r.metering_service_id = :serviceId AND r.request_id = :requestId
            WHERE k.id = :keyId
              FOR UPDATE OF u`,
          {
            replacements: { keyId: key.id, apiId: api.id, serviceId: service.id, secretHash: service.secretHash, requestId: input.requestId ?? null },
            type: QueryTypes.SELECT,
            transaction: t,
          },
        );
        if (!row!.service_ok) {
          // Disabled or re-keyed a moment ago; the invalidation has not reached this process yet.
          this.services.delete(service.clientId);
          throw serviceRefused();
        }
        if (row!.replay_record_id) {
          if (row!.replay_key_id !== key.id) return deny('REQUEST_ID_REUSED');
          return { decision: 'allow', chargedPoints: -row!.replay_change!, remainingPoints: row!.replay_remaining!, recordId: row!.replay_record_id, replayed: true };
        }
        const refusal = row!.deleted
          ? 'KEY_NOT_FOUND'
          : row!.key_status !== 1
            ? 'KEY_DISABLED'
            : row!.expired
              ? 'KEY_EXPIRED'
              : row!.api_status !== 1
                ? 'API_NOT_FOUND'
                : row!.user_status !== 1
                  ? 'USER_FROZEN'
                  : null;
        if (refusal) {
          // The cache was behind the database (the invalidation is still in flight): forget the entry.
          if (refusal.startsWith('KEY_')) this.keys.delete(hash);
          if (refusal === 'API_NOT_FOUND') this.apis.delete(input.apiName);
          return deny(refusal);
        }
        const consumed = await consumePoints(
          {
            userId: key.userId,
            points: row!.points_per_call!,
            apiKeyId: key.id,
            apiName: input.apiName,
            apiPath: row!.api_path,
            requestId: input.requestId ?? null,
            meteringServiceId: service.id,
            memo: `API 调用：${input.apiName}`,
          },
          t,
        );
        if (consumed.replayed && consumed.record.apiKeyId !== key.id) return deny('REQUEST_ID_REUSED');
        return {
          decision: 'allow',
          chargedPoints: -consumed.record.pointsChange,
          remainingPoints: consumed.balance,
          recordId: consumed.record.id,
          replayed: consumed.replayed,
        };
      });
    } catch (err) {
      if (err instanceof InsufficientPointsError) return deny('INSUFFICIENT_POINTS', err.available);
      // Two keys of different users racing with one request id: the unique index lets one through.
      if (err instanceof UniqueConstraintError) return deny('REQUEST_ID_REUSED');
      throw err;
    }
    if (decision.decision === 'allow' && !decision.replayed) recordKeyUse(key.id);
    return decision;
  }

  async close(): Promise<void> {
    await this.invalidations.close();
  }
}
