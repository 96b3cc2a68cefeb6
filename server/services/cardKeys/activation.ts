import { randomBytes } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { logger } from '../../logger.js';
import { enqueueDelivery } from './events.js';
import { publishInvalidation } from './invalidation.js';
import { currentGeneration, KEY_STATE_COLUMNS, rememberKeyState, rowToState, unchangedSince, type KeyRow, type KeyState } from './keyCache.js';

export interface BindRequest {
  code: string;
  projectId: number;
  deviceId: string;
  deviceInfo?: unknown;
}

export interface BoundKey {
  state: KeyState;
  /** True on the key's first activation ever (false when re-bound after an unbind). */
  first: boolean;
}

interface Pending {
  request: BindRequest;
  generation: number;
  resolve(won: BoundKey | null): void;
  reject(err: unknown): void;
}

type BoundRow = KeyRow & { i: number; event_id: string; first: boolean; delivery_id: number | null };

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${ISO})`;

/**
 * Binds each device if and only if nobody else did first, for a whole batch of requests in ONE
 * statement (one round trip, one commit): the WHERE clause makes concurrent first verifications race
 * inside PostgreSQL, where exactly one UPDATE of a row wins; two requests for the same key in one
 * batch update it once and RETURNING names the request that won. The validity clock starts at the
 * first activation and keeps running across unbinds. The `activated` callback row (when the project
 * has a callback URL) is inserted by the same statement, so a committed activation always has it.
 */
const BIND_SQL = `
WITH v AS (
  SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::jsonb[], $6::text[])
           AS v(i, code, project_id, device_id, device_info, event_id)
), k AS (
  UPDATE card_keys k
     SET status = 'active', device_id = v.device_id, device_info = v.device_info, bound_at = now(), last_verified_at = now(),
         activated_at = COALESCE(k.activated_at, now()),
         expires_at = COALESCE(k.expires_at, CASE WHEN k.duration_days IS NULL THEN NULL
                                                  ELSE now() + make_interval(days => k.duration_days) END),
         updated_at = now()
    FROM v
   WHERE k.code = v.code::bpchar AND k.project_id = v.project_id
     AND k.status = 'unused' AND k.device_id IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
  RETURNING v.i, v.event_id, ${KEY_STATE_COLUMNS.split(',').map((c) => `k.${c.trim()}`).join(', ')}, (k.activated_at = now()) AS first
), d AS (
  INSERT INTO callback_deliveries (project_id, card_key_id, event, url, payload)
  SELECT k.project_id, k.id, 'activated', p.callback_url,
         jsonb_build_object('id', k.event_id, 'event', 'activated', 'app_key', p.app_key, 'card_key', k.code,
                            'occurred_at', ${iso('now()')}, 'device_id', k.device_id, 'first_activation', k.first,
                            'activated_at', ${iso('k.activated_at')},
                            'expires_at', CASE WHEN k.expires_at IS NULL THEN NULL ELSE ${iso('k.expires_at')} END)
    FROM k JOIN projects p ON p.id = k.project_id
   WHERE p.callback_url IS NOT NULL AND p.callback_url <> ''
  RETURNING id, card_key_id
)
SELECT k.*, d.id AS delivery_id FROM k LEFT JOIN d ON d.card_key_id = k.id`;

/**
 * Concurrent activations share statements: while MAX_IN_FLIGHT statements are running, new requests
 * wait and go together in the next one. Under light load every request still goes alone at once;
 * under heavy load the per-commit cost (WAL flush, round trip, parse) is paid once per batch.
 */
const MAX_IN_FLIGHT = 4;
const MAX_BATCH = 256;
let waiting: Pending[] = [];
let inFlight = 0;

/** Resolves with the bound key when this request won the key, null when the key was not bindable (any more). */
export function bindDevice(request: BindRequest): Promise<BoundKey | null> {
  return new Promise((resolve, reject) => {
    waiting.push({ request, generation: currentGeneration(), resolve, reject });
    pump();
  });
}

function pump(): void {
  while (inFlight < MAX_IN_FLIGHT && waiting.length) {
    const batch = waiting.slice(0, MAX_BATCH);
    waiting = waiting.slice(MAX_BATCH);
    inFlight++;
    void run(batch).finally(() => {
      inFlight--;
      pump();
    });
  }
}

async function run(batch: Pending[]): Promise<void> {
  let rows: BoundRow[];
  try {
    const col = <T>(f: (p: Pending, i: number) => T) => batch.map(f);
    rows = await db().query<BoundRow>(BIND_SQL, {
      bind: [
        col((_p, i) => i),
        col((p) => p.request.code),
        col((p) => p.request.projectId),
        col((p) => p.request.deviceId),
        col((p) => (p.request.deviceInfo === undefined ? null : JSON.stringify(p.request.deviceInfo))),
        col(() => randomBytes(12).toString('hex')),
      ],
      type: QueryTypes.SELECT,
    });
  } catch (err) {
    for (const p of batch) p.reject(err);
    return;
  }
  const won = new Map<number, BoundKey>();
  const clean: KeyState[] = [];
  for (const row of rows) {
    const state = rowToState(row);
    // Cached only if no other change to the key raced in since the request started.
    if (unchangedSince(state.code, batch[row.i]!.generation)) clean.push(state);
    won.set(row.i, { state, first: row.first });
    if (row.delivery_id) enqueueDelivery(row.delivery_id, row.event_id).catch((err) => logger().error({ err, deliveryId: row.delivery_id }, 'activated callback enqueue failed'));
  }
  if (rows.length) {
    // Applied here at once (dropping any stale copy), then told to other processes without waiting: a
    // process still holding the old 'unused' state can only try to bind, and that goes to the database and loses.
    publishInvalidation({ codes: rows.map((r) => r.code) }).catch((err) => logger().error({ err }, 'invalidation publish failed'));
    const now = currentGeneration();
    for (const state of clean) rememberKeyState(state, now);
  }
  batch.forEach((p, i) => p.resolve(won.get(i) ?? null));
}
