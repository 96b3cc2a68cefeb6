import { QueryTypes } from 'sequelize';
import { db } from '../../db/index.js';
import { BatchWriter } from '../../lib/batchWriter.js';

/** One public API call. `path` is the route pattern, never the raw URL (which can carry a card key). */
export interface ApiCallRecord {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  projectId: number | null;
  /** The mini-program user whose API key a metering charge named (null when no key was found). */
  miniUserId: string | null;
  ip: string | null;
  requestId: string | null;
  errorCode: string | null;
  /** The API key and API a metering charge named (null elsewhere). */
  apiKeyId?: string | null;
  apiName?: string | null;
  at: Date;
}

async function writeRows(rows: ApiCallRecord[]): Promise<void> {
  const col = <T>(f: (r: ApiCallRecord) => T) => rows.map(f);
  await db().query(
    `INSERT INTO api_call_logs (method, path, status, duration_ms, project_id, mini_user_id, ip, request_id, error_code, created_at, api_key_id, api_name)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::uuid[], $12::text[])`,
    {
      bind: [
        col((r) => r.method.slice(0, 8)),
        col((r) => r.path.slice(0, 255)),
        col((r) => r.status),
        col((r) => r.durationMs),
        col((r) => r.projectId),
        col((r) => r.miniUserId),
        col((r) => r.ip?.slice(0, 64) ?? null),
        col((r) => r.requestId?.slice(0, 64) ?? null),
        col((r) => r.errorCode?.slice(0, 32) ?? null),
        col((r) => r.at.toISOString()),
        col((r) => r.apiKeyId ?? null),
        col((r) => r.apiName?.slice(0, 100) ?? null),
      ],
      type: QueryTypes.INSERT,
    },
  );
}

const writer = new BatchWriter<ApiCallRecord>({ name: 'api call log', write: writeRows });

export function recordApiCall(record: ApiCallRecord): void {
  writer.push(record);
}

/** Writes the buffered rows (the web server calls it on shutdown; tests call it before reading). */
export function flushApiCallLog(): Promise<void> {
  return writer.flush();
}
