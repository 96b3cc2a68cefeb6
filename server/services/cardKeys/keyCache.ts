import { LRUCache } from 'lru-cache';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { invalidationsLive, onInvalidation, startInvalidationListener } from './invalidation.js';

/** The part of a card key a verification answer depends on. */
export interface KeyState {
  id: number;
  code: string;
  batchId: number;
  projectId: number;
  agentId: number;
  status: string;
  deviceId: string | null;
  durationDays: number | null;
  activatedAt: number | null;
  expiresAt: number | null;
  sharedFlagged: boolean;
}

export const KEY_STATE_COLUMNS = `id, code, batch_id, project_id, agent_id, status, device_id, duration_days,
  activated_at, expires_at, shared_flagged_at`;

export interface KeyRow {
  id: number;
  code: string;
  batch_id: number;
  project_id: number;
  agent_id: number;
  status: string;
  device_id: string | null;
  duration_days: number | null;
  activated_at: Date | null;
  expires_at: Date | null;
  shared_flagged_at: Date | null;
}

export const rowToState = (r: KeyRow): KeyState => ({
  id: r.id,
  code: r.code,
  batchId: r.batch_id,
  projectId: r.project_id,
  agentId: r.agent_id,
  status: r.status,
  deviceId: r.device_id,
  durationDays: r.duration_days,
  activatedAt: r.activated_at ? r.activated_at.getTime() : null,
  expiresAt: r.expires_at ? r.expires_at.getTime() : null,
  sharedFlagged: r.shared_flagged_at != null,
});

/**
 * In-process cache of key state so that verifying a bound key needs no database round trip. It is
 * correct because every write to a key publishes an invalidation (see invalidation.ts) after commit.
 * A load that raced with an invalidation of the same key (or a batch/global one) is not cached, so a
 * stale read can never outlive the change; the TTL only bounds the damage of a lost pub/sub message.
 */
const cache = new LRUCache<string, KeyState>({ max: 200_000, ttl: 5 * 60_000 });
let seq = 0;
let globalSeq = 0;
const codeSeq = new LRUCache<string, number>({ max: 200_000, ttl: 10 * 60_000 });
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  void startInvalidationListener();
  onInvalidation((m) => {
    if ('projectId' in m) return;
    seq++;
    if ('codes' in m) {
      for (const code of m.codes) {
        cache.delete(code);
        codeSeq.set(code, seq);
      }
      return;
    }
    globalSeq = seq;
    if ('all' in m) cache.clear();
    else for (const [code, state] of cache.entries()) if (state.batchId === m.batchId) cache.delete(code);
  });
}

/** A position in the invalidation stream: take it before reading or writing a key. */
export const currentGeneration = () => seq;

/** True when nothing invalidated `code` since `started`, so what was read or written then is still current. */
export const unchangedSince = (code: string, started: number) => globalSeq <= started && (codeSeq.get(code) ?? 0) <= started;

export async function loadKeyState(code: string): Promise<KeyState | null> {
  const rows = await db().query<KeyRow>(`SELECT ${KEY_STATE_COLUMNS} FROM card_keys WHERE code = :code`, {
    replacements: { code },
    type: QueryTypes.SELECT,
  });
  return rows[0] ? rowToState(rows[0]) : null;
}

/** Cached state of `code`, or undefined on a miss or while invalidations are not heard (no database access). */
export function peekKeyState(code: string): KeyState | undefined {
  listen();
  return invalidationsLive() ? cache.get(code) : undefined;
}

/** Cached state of `code`, loading it from the database on a miss. */
export async function getKeyState(code: string): Promise<KeyState | null> {
  listen();
  const hit = peekKeyState(code);
  if (hit) return hit;
  const started = seq;
  const state = await loadKeyState(code);
  if (state) rememberKeyState(state, started);
  return state;
}

/** Caches state this process has just written, unless another change to the key arrived meanwhile. */
export function rememberKeyState(state: KeyState, started: number): void {
  if (invalidationsLive() && unchangedSince(state.code, started)) cache.set(state.code, state);
}
