import { maskedCode } from './codes.js';
import { say } from '../../i18n.js';
import { LRUCache } from 'lru-cache';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { BatchWriter } from '../../lib/batchWriter.js';
import { redis, redisKey } from '../../redis.js';
import { notifyUsers } from '../notifications/index.js';
import { emitCardKeyEvent } from './events.js';
import { publishInvalidation } from './invalidation.js';

export interface VerificationRecord {
  cardKeyId: number | null;
  projectId: number;
  agentId: number | null;
  code: string;
  deviceId: string;
  ip: string | null;
  result: string;
  shareIpThreshold: number;
  alreadyFlagged: boolean;
  at?: Date;
}

const flaggedIds = new Set<number>();
// Steady-state verifications repeat the same (key, IP) and touch the same key: only news goes to Redis/PostgreSQL.
const seenPairs = new LRUCache<string, true>({ max: 500_000, ttl: 3600_000 });
const LAST_VERIFIED_RESOLUTION_MS = 60_000;
const lastVerifiedWritten = new LRUCache<number, true>({ max: 500_000, ttl: LAST_VERIFIED_RESOLUTION_MS });
/** The activation UPDATE already set last_verified_at: the next flush need not write it again. */
export function markLastVerifiedWritten(cardKeyId: number): void {
  lastVerifiedWritten.set(cardKeyId, true);
}
type ActivationNotice = { agentId: number; code: string; projectName: string; expiresAt: number | null };

/**
 * Verification rows are buffered in memory and written in one multi-row INSERT at least every second
 * (and on shutdown via flushVerificationLog), so logging never sits on the response path.
 */
const verificationRows = new BatchWriter<VerificationRecord>({ name: 'verification log', write: (batch) => writeRows(batch), flushMs: 1000, maxBuffer: 5000 });
const activationNotices = new BatchWriter<ActivationNotice>({ name: 'activation notices', write: (batch) => notifyActivations(batch), flushMs: 1000 });

export function recordVerification(record: VerificationRecord): void {
  verificationRows.push({ ...record, at: new Date() });
}

/**
 * Activations are told to the agent as one in-site notification per agent per flush (an agent whose
 * customers activate thousands of keys gets a digest, not thousands of messages).
 */
export function recordActivationNotice(notice: ActivationNotice): void {
  activationNotices.push(notice);
}

/** Writes everything buffered so far; safe to call concurrently (flushes are serialised). */
export async function flushVerificationLog(): Promise<void> {
  await Promise.all([verificationRows.flush(), activationNotices.flush()]);
}

async function notifyActivations(notices: ActivationNotice[]): Promise<void> {
  const byAgent = new Map<number, ActivationNotice[]>();
  for (const n of notices) {
    const list = byAgent.get(n.agentId);
    if (list) list.push(n);
    else byAgent.set(n.agentId, [n]);
  }
  for (const [agentId, list] of byAgent) {
    const shown = list.slice(0, 20);
    const line = (n: ActivationNotice, en: boolean) => {
      const until = n.expiresAt ? new Date(n.expiresAt).toISOString() : null;
      return en ? `${maskedCode(n.code)} (${n.projectName}, ${until ? `expires ${until}` : 'never expires'})` : `${maskedCode(n.code)}（${n.projectName}，${until ? `到期 ${until}` : '永久'}）`;
    };
    const more = list.length > shown.length;
    await notifyUsers({
      userIds: [agentId],
      event: 'card_key.activated',
      title: list.length === 1 ? say(`卡密已激活：${maskedCode(list[0]!.code)}`, `Card key activated: ${maskedCode(list[0]!.code)}`) : say(`${list.length} 张卡密已激活`, `${list.length} card keys activated`),
      body: say(
        `${shown.map((n) => line(n, false)).join('\n')}${more ? `\n……等共 ${list.length} 张` : ''}`,
        `${shown.map((n) => line(n, true)).join('\n')}${more ? `\n… ${list.length} in all` : ''}`,
      ),
      sendEmail: false,
    });
  }
}

async function writeRows(rows: VerificationRecord[]): Promise<void> {
  const col = <T>(f: (r: VerificationRecord) => T) => rows.map(f);
  await db().query(
    `INSERT INTO card_key_verifications (card_key_id, project_id, agent_id, code, device_id, ip, result, created_at)
     SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])`,
    {
      bind: [
        col((r) => r.cardKeyId),
        col((r) => r.projectId),
        col((r) => r.agentId),
        col((r) => r.code.slice(0, 64)),
        col((r) => r.deviceId.slice(0, 128)),
        col((r) => r.ip?.slice(0, 64) ?? null),
        col((r) => r.result),
        col((r) => r.at!.toISOString()),
      ],
      type: QueryTypes.INSERT,
    },
  );
  const lastSeen = new Map<number, Date>();
  for (const r of rows) {
    if (r.cardKeyId && r.result === 'OK' && !lastVerifiedWritten.has(r.cardKeyId)) lastSeen.set(r.cardKeyId, r.at!);
  }
  for (const id of lastSeen.keys()) lastVerifiedWritten.set(id, true);
  if (lastSeen.size) {
    await db().query(
      `UPDATE card_keys k SET last_verified_at = v.at
         FROM unnest($1::bigint[], $2::timestamptz[]) AS v(id, at)
        WHERE k.id = v.id AND (k.last_verified_at IS NULL OR k.last_verified_at < v.at)`,
      { bind: [[...lastSeen.keys()], [...lastSeen.values()].map((d) => d.toISOString())], type: QueryTypes.UPDATE },
    );
  }
  await detectSharing(rows);
}

const DAY_MS = 24 * 3600_000;

/**
 * A key verified successfully from more distinct IPs within 24 h than its project allows is probably
 * being shared: flag it once, tell its agent, and send a `suspicious` callback.
 */
async function detectSharing(rows: VerificationRecord[]): Promise<void> {
  const seen = new Map<number, { record: VerificationRecord; ips: Set<string> }>();
  for (const r of rows) {
    if (!r.cardKeyId || !r.ip || r.result !== 'OK' || r.alreadyFlagged || flaggedIds.has(r.cardKeyId)) continue;
    const pair = `${r.cardKeyId}|${r.ip}`;
    if (seenPairs.has(pair)) continue;
    seenPairs.set(pair, true);
    const entry = seen.get(r.cardKeyId) ?? { record: r, ips: new Set<string>() };
    entry.ips.add(r.ip);
    seen.set(r.cardKeyId, entry);
  }
  if (seen.size === 0) return;
  const now = Date.now();
  const pipeline = redis().pipeline();
  const entries = [...seen.entries()];
  for (const [id, { ips }] of entries) {
    const key = redisKey('card-key-ips', id);
    for (const ip of ips) pipeline.zadd(key, now, ip);
    pipeline.zremrangebyscore(key, 0, now - DAY_MS);
    pipeline.zcard(key);
    pipeline.pexpire(key, DAY_MS);
  }
  const results = await pipeline.exec();
  let cursor = 0;
  for (const [id, { record, ips }] of entries) {
    cursor += ips.size + 1;
    const distinct = Number(results?.[cursor]?.[1] ?? 0);
    cursor += 2;
    if (distinct > record.shareIpThreshold) await flagShared(id, record.code, record.projectId, distinct);
  }
}

async function flagShared(cardKeyId: number, code: string, projectId: number, distinctIps: number): Promise<void> {
  flaggedIds.add(cardKeyId);
  const rows = await db().query<{ agent_id: number }>(
    `UPDATE card_keys SET shared_flagged_at = now(), updated_at = now() WHERE id = :id AND shared_flagged_at IS NULL RETURNING agent_id`,
    { replacements: { id: cardKeyId }, type: QueryTypes.SELECT },
  );
  if (!rows[0]) return;
  await publishInvalidation({ codes: [code] });
  await notifyUsers({
    userIds: [rows[0].agent_id],
    event: 'card_key.suspected_sharing',
    link: { resource: 'card_keys', id: cardKeyId },
    title: say(`卡密疑似共享：${maskedCode(code)}`, `Card key possibly shared: ${maskedCode(code)}`),
    body: say(
      `卡密 ${maskedCode(code)} 在 24 小时内从 ${distinctIps} 个不同 IP 验证，超过项目阈值，已被标记，请核查。`,
      `Card key ${maskedCode(code)} was verified from ${distinctIps} different IPs within 24 hours, above the project's threshold; it has been flagged. Please check it.`,
    ),
  });
  await emitCardKeyEvent({ event: 'suspicious', projectId, cardKeyId, code, data: { reason: 'SHARED_IPS', distinct_ips_24h: distinctIps } });
}
