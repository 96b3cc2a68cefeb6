import { randomUUID } from 'node:crypto';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { config } from '../../config.js';
import { badRequest, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { AdminUser } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { defineJob } from '../../queues/defineJob.js';
import { redis, redisKey } from '../../redis.js';

/**
 * Export jobs, one plumbing for every kind (stats views, logs): the requester's POST queues a job
 * on the `exports` queue and gets a status; the worker re-reads the requester from the database
 * (their scope is never trusted from the queue), writes the file under EXPORT_DIR (under a
 * temporary name until complete) and records its progress; `exportStatus` / `exportFile` give the
 * requester — and nobody else, whatever their role — the status and the finished file.
 */

export type ExportFormat = 'xlsx' | 'pdf' | 'csv';

export interface ExportStatus {
  id: string;
  ownerId: number;
  /** What is exported: a stats view (`cardKeys`…) or a log (`login-logs`, `operation-logs`). */
  view: string;
  format: ExportFormat;
  status: 'queued' | 'running' | 'done' | 'failed';
  rows: number;
  /** 0–100 while running. */
  progress: number;
  file?: string;
  error?: string;
  createdAt: string;
}

const STATUS_TTL_SECONDS = 24 * 3600;
const statusKey = (id: string) => redisKey('stats-export', id);
const saveStatus = (s: ExportStatus) => redis().set(statusKey(s.id), JSON.stringify(s), 'EX', STATUS_TTL_SECONDS);

/** What the worker reports while writing: rows written so far and/or a percentage. */
export type ExportProgress = (p: { rows?: number; progress?: number }) => void;

export interface ExportKind<S extends z.ZodType> {
  /** The job's name (`area.export`). */
  name: string;
  description: string;
  /** The request, validated when it is made and again when the worker takes it. */
  request: S;
  /** Reason of the 400 an invalid request gets. */
  invalidReason: string;
  /** The status's `view` and `format`, and the file name stem (`stats-cardKeys`, `login-logs`). */
  describe(req: z.output<S>): { view: string; format: ExportFormat; stem: string };
  /** Writes the actor's export into `file`; returns the rows written. */
  write(actor: Actor, req: z.output<S>, file: string, progress: ExportProgress): Promise<number>;
}

/** One kind of export: `request(actor, input)` queues it, `job` is what the worker runs. */
export function defineExport<S extends z.ZodType>(kind: ExportKind<S>) {
  type JobData = { exportId: string; actorId: number; request: z.output<S> };
  const data = z.object({ exportId: z.string().uuid(), actorId: z.number().int().positive(), request: kind.request }) as unknown as z.ZodType<JobData, { exportId: string; actorId: number; request: z.input<S> }>;

  const job = defineJob({
    name: kind.name,
    queue: 'exports',
    description: kind.description,
    data,
    options: { attempts: 2 },
    run: async (d, ctx) => {
      const done = await run(d);
      await ctx.job?.progress(100);
      return { exportId: done.id, rows: done.rows };
    },
  });

  /** Worker side: re-reads the requester, writes the file, records running → done | failed. */
  async function run(d: JobData): Promise<ExportStatus> {
    const user = await AdminUser.findByPk(d.actorId);
    if (!user) throw new Error(`${kind.name} ${d.exportId}: user ${d.actorId} no longer exists`);
    const actor: Actor = { id: user.id, role: user.role as Actor['role'], parentId: user.parentId };
    const req = d.request; // parsed by the job's schema
    const { view, format, stem } = kind.describe(req);
    const file = path.resolve(config().EXPORT_DIR, `${stem}-${d.exportId}.${format}`);
    const base: ExportStatus = { id: d.exportId, ownerId: actor.id, view, format, status: 'running', rows: 0, progress: 0, createdAt: new Date().toISOString() };
    await saveStatus(base);
    try {
      const rows = await kind.write(actor, req, file, (p) => void saveStatus({ ...base, ...p }));
      const done: ExportStatus = { ...base, status: 'done', progress: 100, rows, file };
      await saveStatus(done);
      return done;
    } catch (err) {
      await saveStatus({ ...base, status: 'failed', error: (err as Error).message });
      throw err;
    }
  }

  /** Queues the export for the worker; the requester polls `exportStatus`. */
  async function request(actor: Actor, input: unknown): Promise<ExportStatus> {
    const parsed = kind.request.safeParse(input);
    if (!parsed.success) throw badRequest(say('导出参数无效', 'invalid export request'), kind.invalidReason);
    const { view, format } = kind.describe(parsed.data as z.output<S>);
    const status: ExportStatus = { id: randomUUID(), ownerId: actor.id, view, format, status: 'queued', rows: 0, progress: 0, createdAt: new Date().toISOString() };
    await saveStatus(status);
    await job.enqueue({ exportId: status.id, actorId: actor.id, request: parsed.data as z.input<S> });
    return status;
  }

  return { job, request };
}

/** Writes `file` through `write(partial)` under a temporary name, renamed into place once complete. */
export async function writeWhole<T>(file: string, write: (partial: string) => Promise<T>): Promise<T> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const result = await write(partial);
  await rename(partial, file);
  return result;
}

/** The requester's own export (nobody else's, whatever their role). */
export async function exportStatus(actor: Actor, exportId: string): Promise<ExportStatus> {
  const raw = /^[0-9a-f-]{36}$/.test(exportId) ? await redis().get(statusKey(exportId)) : null;
  const status = raw ? (JSON.parse(raw) as ExportStatus) : null;
  if (!status || status.ownerId !== actor.id) throw notFound(say('导出任务不存在或已过期', 'export not found or expired'), 'EXPORT_NOT_FOUND', 3442);
  return status;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The finished file of the requester's export, for a download route (streamed or not). */
export async function exportFile(actor: Actor, exportId: string): Promise<{ file: string; filename: string; size: number; contentType: string }> {
  const s = await exportStatus(actor, exportId);
  if (s.status !== 'done' || !s.file) throw badRequest(say('导出尚未完成', 'the export is not finished yet'), 'EXPORT_NOT_READY', 3443);
  const { size } = await stat(s.file);
  const stem = path.basename(s.file).slice(0, -`-${s.id}.${s.format}`.length);
  return { file: s.file, filename: `${stem}-${s.createdAt.slice(0, 10)}.${s.format}`, size, contentType: CONTENT_TYPES[s.format] };
}
