import { z } from 'zod';
import { malformedTextAt, msg } from '../../lib/input.js';
import { logger } from '../../logger.js';
import type { ProjectCredentials } from '../projects/projectCredentials.js';
import { bindDevice, type BoundKey } from './activation.js';
import { getKeyState, loadKeyState, peekKeyState, type KeyState } from './keyCache.js';
import { expireKeysNow } from './lifecycle.js';
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

/** The body of POST /open/v1/card-keys/verify (snake_case, as client developers send it). */
export const verifyRequestBody = z.object(
  {
    /** Normalised by the route: a code that cannot be one answers NOT_FOUND, not 400. */
    card_key: z.unknown().optional(),
    device_id: z
      .string({ error: msg('device_id 为 1-128 个字符', 'device_id must be 1-128 characters') })
      .trim()
      .min(1, { error: msg('device_id 为 1-128 个字符', 'device_id must be 1-128 characters') })
      .max(128, { error: msg('device_id 为 1-128 个字符', 'device_id must be 1-128 characters') })
      .refine((v) => malformedTextAt(v) === null, { error: msg('device_id 含有空字符或无效的 Unicode 字符', 'device_id contains a NUL character or invalid Unicode') }),
    device_info: z
      .record(z.string(), z.unknown(), { error: msg('device_info 须为不超过 2KB 的 JSON 对象', 'device_info must be a JSON object of at most 2KB') })
      .refine((v) => JSON.stringify(v).length <= 2048, { error: msg('device_info 须为不超过 2KB 的 JSON 对象', 'device_info must be a JSON object of at most 2KB') })
      .refine((v) => malformedTextAt(v) === null, { error: msg('device_info 含有空字符或无效的 Unicode 字符', 'device_info contains a NUL character or invalid Unicode') })
      .optional(),
  },
  { error: msg('请求体必须是 JSON 对象', 'The request body must be a JSON object') },
);

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

function bound(project: ProjectCredentials, won: BoundKey): VerifyOutcome {
  const fresh = won.state;
  markLastVerifiedWritten(fresh.id);
  if (won.first) recordActivationNotice({ agentId: fresh.agentId, code: fresh.code, projectName: project.name, expiresAt: fresh.expiresAt });
  return { valid: true, reason: 'OK', key: fresh, activated: true };
}

const bindRequest = (project: ProjectCredentials, req: VerifyRequest) => ({ code: req.code, projectId: project.id, deviceId: req.deviceId, deviceInfo: req.deviceInfo });

async function evaluate(project: ProjectCredentials, req: VerifyRequest): Promise<VerifyOutcome> {
  if (project.status !== 'active') return { valid: false, reason: 'PROJECT_DISABLED', key: null, activated: false };
  let state: KeyState | null | undefined = peekKeyState(req.code);
  if (!state) {
    // Most cache misses are first activations: try the bind straight away (one round trip, not two).
    const won = await bindDevice(bindRequest(project, req));
    if (won) return bound(project, won);
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

    const won = await bindDevice(bindRequest(project, req));
    if (won) return bound(project, won);
    // Someone else changed the key between our read and our write: decide again on the stored row.
    state = await loadKeyState(req.code);
    if (!state) return { valid: false, reason: 'NOT_FOUND', key: null, activated: false };
  }
  return { valid: false, reason: 'DEVICE_MISMATCH', key: state, activated: false };
}
