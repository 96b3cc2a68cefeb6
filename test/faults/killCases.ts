/**
 * The long jobs a worker may be SIGKILLed in the middle of, one KillCase each, run by
 * killWorker.test.ts: arrange the work (rows in PostgreSQL, the job on the worker's Redis), say when
 * the job is mid-way, when its effect is settled after a restart, and check the effect happened
 * exactly once. A new long job (a backup, a stats rollup) is one more entry in KILL_CASES.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { QueryTypes } from 'sequelize';
import { db } from '../../server/db/index.js';
import { CallbackDelivery, EmailMessage } from '../../server/models/index.js';
import type { JobHandle } from '../../server/queues/defineJob.js';
import { deliverCallbackJob } from '../../server/services/cardKeys/events.js';
import { exportCardKeysJob, requestCardKeyExport } from '../../server/services/cardKeys/exportCardKeys.js';
import { generateBatchJob, generateCardKeys } from '../../server/services/cardKeys/generateCardKeys.js';
import { sendEmailJob } from '../../server/services/email/deliverEmail.js';
import type { Transaction } from 'sequelize';
import { Backup } from '../../server/models/index.js';
import { INTERRUPTED_BACKUP, createBackupJob } from '../../server/services/backups/createBackup.js';
import { statsRollupJob } from '../../server/services/stats/rollup.js';
import type { World } from '../support/cardKeys.js';
import type { CallbackSink, SmtpSink } from './support.js';

/** What a case may use: the world, the receivers, and `enqueue` onto the worker's own Redis. */
export interface KillContext {
  world: World;
  smtp: SmtpSink;
  callbacks: CallbackSink;
  exportDir: string;
  /** The worker's BACKUP_DIR. */
  backupDir: string;
  enqueue<D>(job: JobHandle, data: D, jobId?: string): Promise<void>;
  /** The Bull state of a job enqueued with that id ('completed', 'failed', 'active', …). */
  jobState(job: JobHandle, jobId: string): Promise<string | null>;
  /** What earlier cases left for later ones (the batch's id for the export). */
  shared: Record<string, unknown>;
}

export interface KillCase<S = unknown> {
  name: string;
  arrange(ctx: KillContext): Promise<S>;
  /** True once the job is visibly in the middle of its work: the moment to SIGKILL the worker. */
  midway(ctx: KillContext, s: S): Promise<boolean>;
  /** Called after the kill, before the restart (release what held the job mid-way). */
  afterKill?(ctx: KillContext, s: S): Promise<void> | void;
  /** True once, after the restart, the work reached its final state. */
  settled(ctx: KillContext, s: S): Promise<boolean>;
  /** Each effect exactly once. */
  check(ctx: KillContext, s: S): Promise<void>;
}

const one = async <T extends object>(sql: string, replacements: Record<string, unknown>) => (await db().query<T>(sql, { replacements, type: QueryTypes.SELECT }))[0]!;

const batchCase: KillCase<{ batchId: number }> = {
  name: 'a 100k-key async batch: complete once, paid once, never refunded',
  async arrange(ctx) {
    const { batch } = await generateCardKeys({ actor: ctx.world.agent, agentId: ctx.world.agent.id, projectId: ctx.world.project.id, validityLabel: '1天', count: 100_000 });
    await ctx.enqueue(generateBatchJob, { batchId: batch.id }, `generate-${batch.id}`);
    ctx.shared.batchId = batch.id;
    return { batchId: batch.id };
  },
  midway: async (_ctx, { batchId }) => (await one<{ progress: number }>('SELECT progress FROM card_key_batches WHERE id = :batchId', { batchId })).progress > 0,
  settled: async (_ctx, { batchId }) => (await one<{ status: string }>('SELECT status FROM card_key_batches WHERE id = :batchId', { batchId })).status !== 'generating',
  async check(ctx, { batchId }) {
    const row = await one<{ status: string; keys: number; debits: number; refunds: number }>(
      `SELECT b.status, (SELECT count(*)::int FROM card_keys WHERE batch_id = b.id) AS keys,
              (SELECT count(*)::int FROM quota_ledger WHERE reference_type = 'card_key_batch' AND reference_id = b.id::text AND type = 'card_key_generation') AS debits,
              (SELECT count(*)::int FROM quota_ledger WHERE reference_type = 'card_key_batch' AND reference_id = b.id::text AND type = 'card_key_refund') AS refunds
         FROM card_key_batches b WHERE b.id = :batchId`,
      { batchId },
    );
    assert.deepEqual(row, { status: 'completed', keys: 100_000, debits: 1, refunds: 0 });
  },
};

const exportCase: KillCase<{ id: string; file: string }> = {
  name: 'an export of 100k keys: built once, complete, no partial file left',
  async arrange(ctx) {
    const status = await requestCardKeyExport({ actor: ctx.world.agent, format: 'csv', filter: { batchId: ctx.shared.batchId } });
    await ctx.enqueue(exportCardKeysJob, { exportId: status.id, actorId: ctx.world.agent.id, format: 'csv', filter: { batchId: ctx.shared.batchId } }, `export-${status.id}`);
    return { id: status.id, file: `${ctx.exportDir}/card-keys-${status.id}.csv` };
  },
  midway: async (_ctx, { file }) => existsSync(`${file}.partial`),
  settled: async (_ctx, { id }) => (await one<{ status: string }>('SELECT status FROM card_key_exports WHERE id = :id', { id })).status === 'done',
  async check(_ctx, { id, file }) {
    const row = await one<{ status: string; rows: number }>('SELECT status, rows FROM card_key_exports WHERE id = :id', { id });
    assert.deepEqual(row, { status: 'done', rows: 100_000 });
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 100_001, 'header + every key once');
    assert.equal(new Set(lines).size, lines.length);
    assert.ok(!existsSync(`${file}.partial`));
  },
};

const callbackCase: KillCase<{ delivery: CallbackDelivery }> = {
  name: 'a callback delivery: one POST per attempt on record',
  async arrange(ctx) {
    ctx.callbacks.hold = true;
    const project = await one<{ callback_url: string }>('SELECT callback_url FROM projects WHERE id = :id', { id: ctx.world.project.id });
    const eventId = randomBytes(12).toString('hex');
    const delivery = await CallbackDelivery.create({ projectId: ctx.world.project.id, cardKeyId: null, event: 'activated', url: project.callback_url, payload: { id: eventId, event: 'activated' } });
    await ctx.enqueue(deliverCallbackJob, { deliveryId: delivery.id }, `delivery:${eventId}`);
    return { delivery };
  },
  midway: async (ctx, { delivery }) => (ctx.callbacks.posts.get(String(delivery.id)) ?? 0) > 0,
  afterKill: (ctx) => void (ctx.callbacks.hold = false),
  settled: async (_ctx, { delivery }) => (await delivery.reload()).status === 'delivered',
  async check(ctx, { delivery }) {
    await delivery.reload();
    assert.equal(ctx.callbacks.posts.get(String(delivery.id)), delivery.attempts, 'every POST is an attempt on record');
    assert.equal(delivery.attempts, 2, 'the interrupted attempt and the one that got through');
  },
};

const emailCase: KillCase<{ message: EmailMessage; subject: string }> = {
  name: 'an email mid-send: recorded as possibly sent, never sent again by itself',
  async arrange(ctx) {
    ctx.smtp.hold = true;
    const subject = `kill test ${randomUUID()}`;
    const message = await EmailMessage.create({ toAddress: 'ops@example.com', subject, textBody: 'hello', status: 'queued' });
    await ctx.enqueue(sendEmailJob, { messageId: message.id });
    return { message, subject };
  },
  midway: async (ctx, { subject }) => ctx.smtp.count(subject) > 0,
  afterKill: (ctx) => void (ctx.smtp.hold = false),
  settled: async (_ctx, { message }) => (await message.reload()).status === 'uncertain',
  async check(ctx, { message, subject }) {
    await message.reload();
    assert.equal(message.status, 'uncertain');
    assert.equal(message.attempts, 1);
    assert.equal(ctx.smtp.count(subject), 1, 'not sent a second time');
  },
};


/** Whether some statement waits for a lock on `table` (the job is stuck there, mid-way). */
const waitsOn = async (table: string) =>
  (await one<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = :table AND NOT l.granted`, { table })).n > 0;

/** Holds `table` exclusively in a transaction of the test's own, so the job blocks on it mid-way. */
async function holdTable(table: string): Promise<Transaction> {
  const t = await db().transaction();
  await db().query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`, { transaction: t });
  return t;
}

const backupCase: KillCase<{ hold: Transaction; after: number; jobId: string }> = {
  name: 'a backup mid-dump: the interrupted one recorded as failed with no file, one verified backup after the restart',
  async arrange(ctx) {
    const after = (await one<{ id: number | null }>('SELECT max(id) AS id FROM backups', {})).id ?? 0;
    // pg_dump takes a share lock on every table first: holding one makes the dump wait, mid-way.
    const hold = await holdTable('log_archives');
    const jobId = `backup-kill-${randomUUID()}`;
    await ctx.enqueue(createBackupJob, { kind: 'manual' }, jobId);
    return { hold, after, jobId };
  },
  midway: async () => (await Backup.count({ where: { status: 'running' } })) > 0 && (await waitsOn('log_archives')),
  afterKill: async (_ctx, { hold }) => hold.rollback(),
  settled: async (ctx, { jobId }) => ['completed', 'failed'].includes((await ctx.jobState(createBackupJob, jobId)) ?? ''),
  async check(ctx, { after, jobId }) {
    assert.equal(await ctx.jobState(createBackupJob, jobId), 'completed');
    const rows = await db().query<{ status: string; error: string | null; file_name: string }>(
      'SELECT status, error, file_name FROM backups WHERE id > :after ORDER BY id', { replacements: { after }, type: QueryTypes.SELECT },
    );
    assert.deepEqual(rows.map((r) => [r.status, r.error]), [['failed', INTERRUPTED_BACKUP], ['verified', null]], 'the killed backup is recorded, once; the retry made one backup');
    const files = await readdir(ctx.backupDir);
    assert.ok(!files.some((f) => f.endsWith('.partial')), 'no partial file left');
    assert.ok(!files.includes(rows[0]!.file_name) && files.includes(rows[1]!.file_name), 'only the verified backup has a file');
  },
};

const rollupCase: KillCase<{ hold: Transaction; day: string; jobId: string }> = {
  name: "a stats rollup mid-day: the kill rolls its day back, the retry recomputes it once",
  async arrange(ctx) {
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // today in China
    // The rollup rewrites the card-key table first, then blocks on the quota table: mid-transaction.
    const hold = await holdTable('daily_quota_stats');
    const jobId = `rollup-kill-${randomUUID()}`;
    await ctx.enqueue(statsRollupJob, { from: day, to: day }, jobId);
    return { hold, day, jobId };
  },
  midway: async () => waitsOn('daily_quota_stats'),
  afterKill: async (_ctx, { hold }) => hold.rollback(),
  settled: async (ctx, { jobId }) => ['completed', 'failed'].includes((await ctx.jobState(statsRollupJob, jobId)) ?? ''),
  async check(ctx, { day, jobId }) {
    assert.equal(await ctx.jobState(statsRollupJob, jobId), 'completed');
    // Counted once: the day's generated keys for this world's agent equal the keys it generated that day.
    const row = await one<{ rolled: number; raw: number }>(
      `SELECT (SELECT COALESCE(sum(generated), 0)::int FROM daily_card_key_stats WHERE day = :day AND agent_id = :agent) AS rolled,
              (SELECT count(*)::int FROM card_keys WHERE agent_id = :agent AND (created_at AT TIME ZONE 'Asia/Shanghai')::date = :day::date) AS raw`,
      { day, agent: ctx.world.agent.id },
    );
    assert.ok(row.raw > 0, 'the world generated keys today');
    assert.equal(row.rolled, row.raw);
  },
};

/** Add a line here for each new long job. */
export const KILL_CASES: KillCase<any>[] = [batchCase, exportCase, callbackCase, emailCase, backupCase, rollupCase]; // eslint-disable-line @typescript-eslint/no-explicit-any
