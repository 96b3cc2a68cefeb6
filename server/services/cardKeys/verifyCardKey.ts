import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { logger } from '../../logger.js';
import type { ProjectCredentials } from '../projects/projectCredentials.js';
import { emitCardKeyEvent } from './events.js';
import { publishInvalidation } from './invalidation.js';
import {
  currentGeneration,
  getKeyState,
  KEY_STATE_COLUMNS,
  loadKeyState,
  peekKeyState,
  rememberKeyState,
  rowToState,
  unchangedSince,
  type KeyRow,
  type KeyState,
} from './keyCache.js';
import { markLastVerifiedWritten, recordActivationNotice, recordVerification } from './verificationLog.js';

export type VerifyReason =
  | 'OK'
  | 'NOT_FOUND'
  | 'DISABLED'
  | 'EXPIRED'
  | 'DEVICE_MISMATCH'
  | 'PROJECT_DISABLED'
  | 'REVOKED'
  | 'REDEEMED';

export interface VerifyOutcome {
  valid: boolean;
  reason: VerifyReason;
  key: KeyState | null;
  /** True when this call bound the device. */
  activated: boolean;
}

export interface VerifyRequest {
  code: string;
  deviceId: string;
  deviceInfo?: unknown;
  ip: string | null;
}

const isPastExpiry = (s: KeyState, now: number) => s.expiresAt !== null && s.expiresAt <= now;

/** The answer for a known state without writing anything; 'BIND' means an activation is needed. */
function decide(state: KeyState, deviceId: string, now: number): VerifyReason | 'BIND' {
  switch (state.status) {
    case 'disabled':
      return 'DISABLED';
    case 'revoked':
      return 'REVOKED';
    case 'redeemed':
      return 'REDEEMED';
    case 'expired':
      return 'EXPIRED';
  }
  if (isPastExpiry(state, now)) return 'EXPIRED';
  if (state.status === 'active') return state.deviceId === deviceId ? 'OK' : 'DEVICE_MISMATCH';
  return 'BIND';
}

/**
 * Binds `deviceId` if and only if nobody else did first: the WHERE clause makes concurrent first
 * verifications race inside PostgreSQL, where exactly one UPDATE wins. The validity clock starts at
 * the first activation and keeps running across unbinds. The key is found by its unique code in a
 * sub-select so the planner cannot pick the (project, status) index, which scans a whole fresh batch.
 */
async function activate(target: { id: number } | { code: string; projectId: number }, req: VerifyRequest): Promise<(KeyRow & { first: boolean }) | null> {
  const rows = await db().query<KeyRow & { first: boolean }>(
    `UPDATE card_keys
        SET status = 'active', device_id = :deviceId, device_info = :deviceInfo, bound_at = now(), last_verified_at = now(),
            activated_at = COALESCE(activated_at, now()),
            expires_at = COALESCE(expires_at, CASE WHEN duration_days IS NULL THEN NULL
                                                   ELSE now() + make_interval(days => duration_days) END),
            updated_at = now()
      WHERE ${'id' in target ? 'id = :id' : 'id = (SELECT id FROM card_keys WHERE code = :code AND project_id = :projectId)'}
        AND status = 'unused' AND device_id IS NULL AND (expires_at IS NULL OR expires_at > now())
      RETURNING ${KEY_STATE_COLUMNS}, (activated_at = now()) AS first`,
    {
      replacements: { ...target, deviceId: req.deviceId, deviceInfo: req.deviceInfo === undefined ? null : JSON.stringify(req.deviceInfo) },
      type: QueryTypes.SELECT,
    },
  );
  return rows[0] ?? null;
}

/** Expiry on read: the key is past its end, so record it now rather than waiting for the worker. */
export async function expireKeysNow(ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db().query<{ id: number; code: string; project_id: number; agent_id: number; expires_at: Date }>(
    `UPDATE card_keys SET status = 'expired', updated_at = now()
      WHERE id = ANY(:ids::bigint[]) AND status IN ('active', 'unused') AND expires_at <= now()
      RETURNING id, code, project_id, agent_id, expires_at`,
    { replacements: { ids: `{${ids.join(',')}}` }, type: QueryTypes.SELECT },
  );
  if (rows.length === 0) return;
  await publishInvalidation({ codes: rows.map((r) => r.code) });
  for (const r of rows) {
    await emitCardKeyEvent({ event: 'expired', projectId: r.project_id, cardKeyId: r.id, code: r.code, data: { expires_at: r.expires_at.toISOString() } });
  }
}

export async function verifyCardKey(project: ProjectCredentials, req: VerifyRequest): Promise<VerifyOutcome> {
  const outcome = await evaluate(project, req);
  recordVerification({
    cardKeyId: outcome.key?.id ?? null,
    projectId: project.id,
    agentId: outcome.key?.agentId ?? null,
    code: req.code,
    deviceId: req.deviceId,
    ip: req.ip,
    result: outcome.reason,
    shareIpThreshold: project.shareIpThreshold,
    alreadyFlagged: outcome.key?.sharedFlagged ?? true,
  });
  return outcome;
}

async function bound(project: ProjectCredentials, row: KeyRow & { first: boolean }, req: VerifyRequest, generation: number): Promise<VerifyOutcome> {
  const fresh = rowToState(row);
  markLastVerifiedWritten(fresh.id);
  // Ours is remembered only if no other change to the key raced in. Not awaited: a process still
  // holding the old 'unused' state can only try to bind, and that goes to the database and loses.
  const clean = unchangedSince(fresh.code, generation);
  publishInvalidation({ codes: [fresh.code] }).catch((err) => logger().error({ err }, 'invalidation publish failed'));
  if (clean) rememberKeyState(fresh, currentGeneration());
  emitCardKeyEvent({
    event: 'activated',
    projectId: project.id,
    cardKeyId: fresh.id,
    code: fresh.code,
    data: {
      device_id: req.deviceId,
      first_activation: row.first,
      activated_at: new Date(fresh.activatedAt!).toISOString(),
      expires_at: fresh.expiresAt ? new Date(fresh.expiresAt).toISOString() : null,
    },
  }).catch((err) => logger().error({ err }, 'activated event failed'));
  if (row.first) recordActivationNotice({ agentId: fresh.agentId, code: fresh.code, projectName: project.name, expiresAt: fresh.expiresAt });
  return { valid: true, reason: 'OK', key: fresh, activated: true };
}

async function evaluate(project: ProjectCredentials, req: VerifyRequest): Promise<VerifyOutcome> {
  if (project.status !== 'active') return { valid: false, reason: 'PROJECT_DISABLED', key: null, activated: false };
  let state: KeyState | null | undefined = peekKeyState(req.code);
  if (!state) {
    // Most cache misses are first activations: try the bind straight away (one round trip, not two).
    const generation = currentGeneration();
    const won = await activate({ code: req.code, projectId: project.id }, req);
    if (won) return bound(project, won, req, generation);
    state = await getKeyState(req.code);
  }
  if (!state || state.projectId !== project.id) return { valid: false, reason: 'NOT_FOUND', key: null, activated: false };

  for (let attempt = 0; attempt < 3; attempt++) {
    const now = Date.now();
    const decision = decide(state, req.deviceId, now);
    if (decision === 'EXPIRED' && (state.status === 'active' || state.status === 'unused')) {
      expireKeysNow([state.id]).catch((err) => logger().error({ err, code: state!.code }, 'expire on read failed'));
    }
    if (decision !== 'BIND') return { valid: decision === 'OK', reason: decision, key: state, activated: false };

    const generation = currentGeneration();
    const won = await activate({ id: state.id }, req);
    if (won) return bound(project, won, req, generation);
    // Someone else changed the key between our read and our write: decide again on the stored row.
    state = await loadKeyState(req.code);
    if (!state) return { valid: false, reason: 'NOT_FOUND', key: null, activated: false };
  }
  return { valid: false, reason: 'DEVICE_MISMATCH', key: state, activated: false };
}
