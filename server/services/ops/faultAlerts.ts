import { statfs } from 'node:fs/promises';
import { say } from '../../i18n.js';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { config } from '../../config.js';
import { db } from '../../db/index.js';
import { logger } from '../../logger.js';
import { AdminUser, SystemLog } from '../../models/index.js';
import { defineJob } from '../../queues/defineJob.js';
import { QUEUE_NAMES, queue } from '../../queues/queue.js';
import { redis, redisKey } from '../../redis.js';
import { notifyUsers } from '../notifications/index.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { smtpTransport } from '../email/transport.js';

/** One fault check's answer: `fault` with a one-line reason, or fine. */
export interface CheckResult {
  check: string;
  fault: boolean;
  detail: string;
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms).unref())]);

const message = (err: unknown) => (err as Error)?.message ?? String(err);

async function checkPostgres(): Promise<CheckResult> {
  try {
    await within(db().query('SELECT 1'), 3000, 'PostgreSQL');
    return { check: 'postgres', fault: false, detail: 'PostgreSQL answers' };
  } catch (err) {
    return { check: 'postgres', fault: true, detail: `PostgreSQL does not answer: ${message(err)}` };
  }
}

async function checkRedis(client: Redis): Promise<CheckResult> {
  try {
    await within(client.ping(), 3000, 'Redis');
    return { check: 'redis', fault: false, detail: 'Redis answers' };
  } catch (err) {
    return { check: 'redis', fault: true, detail: `Redis does not answer: ${message(err)}` };
  }
}

/** Per queue: the oldest job waiting (or held by a paused queue) older than the threshold. */
async function checkBacklog(): Promise<CheckResult> {
  const minutes = await getSetting('notification.fault_queue_backlog_minutes');
  const late: string[] = [];
  for (const name of QUEUE_NAMES) {
    const q = queue(name);
    for (const list of ['wait', 'paused']) {
      const id = await within(q.client.lindex(q.toKey(list), -1), 3000, 'Redis');
      const job = id ? await q.getJob(id) : null;
      const age = job ? (Date.now() - job.timestamp) / 60_000 : 0;
      if (age >= minutes) late.push(`${name}${list === 'paused' ? ' (paused)' : ''}: oldest waiting ${Math.floor(age)} min`);
    }
  }
  return late.length
    ? { check: 'queue_backlog', fault: true, detail: `jobs waiting over ${minutes} min — ${late.join('; ')}` }
    : { check: 'queue_backlog', fault: false, detail: `no job waits over ${minutes} min` };
}

/** Jobs that failed for good in the last 15 minutes (the worker writes a `job:*` error row for each). */
async function checkFailedJobs(): Promise<CheckResult> {
  const threshold = await getSetting('notification.fault_failed_jobs');
  const rows = await db().query<{ n: number; names: string | null }>(
    `SELECT count(*)::int AS n, string_agg(DISTINCT source, ', ') AS names FROM system_logs
      WHERE level = 'error' AND source LIKE 'job:%' AND created_at > now() - interval '15 minutes'`,
    { type: QueryTypes.SELECT },
  );
  const { n, names } = rows[0]!;
  return n >= threshold
    ? { check: 'failed_jobs', fault: true, detail: `${n} job(s) failed for good in 15 min (${names})` }
    : { check: 'failed_jobs', fault: false, detail: `${n} job(s) failed for good in 15 min` };
}

/** The share of 5xx answers of every web process over the last 5 minutes (counts kept in Redis by the metrics middleware). */
async function check5xx(client: Redis): Promise<CheckResult> {
  const percent = await getSetting('notification.fault_5xx_percent');
  const minimum = await getSetting('notification.fault_5xx_min_requests');
  const now = Math.floor(Date.now() / 60_000);
  const minutes = [0, 1, 2, 3, 4].map((i) => now - i);
  const values = await within(client.mget(...minutes.flatMap((m) => [redisKey('http', 'total', m), redisKey('http', '5xx', m)])), 3000, 'Redis');
  let total = 0;
  let errors = 0;
  values.forEach((v, i) => (i % 2 ? (errors += Number(v ?? 0)) : (total += Number(v ?? 0))));
  const rate = total ? (errors / total) * 100 : 0;
  return total >= minimum && rate >= percent
    ? { check: 'http_5xx', fault: true, detail: `${errors} of ${total} requests answered 5xx in 5 min (${rate.toFixed(1)}% ≥ ${percent}%)` }
    : { check: 'http_5xx', fault: false, detail: `${errors} of ${total} requests answered 5xx in 5 min` };
}

/** The data folders: backups, exports, uploads. */
export const dataFolders = () => ({ backups: config().BACKUP_DIR, exports: config().EXPORT_DIR, uploads: process.env.UPLOAD_DIR || './uploads' });

/** Free space on the disk of each data folder (the nearest existing parent when a folder is not created yet). */
async function checkDisk(): Promise<CheckResult> {
  const minMb = await getSetting('notification.fault_min_free_disk_mb');
  const low: string[] = [];
  const seen: string[] = [];
  for (const [label, dir] of Object.entries(dataFolders())) {
    let at = path.resolve(dir);
    for (;;) {
      try {
        const s = await statfs(at);
        const freeMb = Math.floor((s.bavail * s.bsize) / 1024 / 1024);
        seen.push(`${label} ${freeMb} MB`);
        if (freeMb < minMb) low.push(`${label} (${dir}): ${freeMb} MB free`);
        break;
      } catch {
        const parent = path.dirname(at);
        if (parent === at) break;
        at = parent;
      }
    }
  }
  return low.length
    ? { check: 'disk_space', fault: true, detail: `free disk under ${minMb} MB — ${low.join('; ')}` }
    : { check: 'disk_space', fault: false, detail: `free disk: ${seen.join(', ')}` };
}

/** The SMTP relay answers (only when one is configured). */
async function checkSmtp(): Promise<CheckResult | null> {
  const url = config().SMTP_URL;
  if (!url) return null;
  try {
    await within(smtpTransport(url).verify(), 10_000, 'SMTP');
    return { check: 'smtp', fault: false, detail: 'the SMTP relay answers' };
  } catch (err) {
    return { check: 'smtp', fault: true, detail: `the SMTP relay does not answer: ${message(err)}` };
  }
}

/** Every check, each on its own: one failing to run is reported as its fault, not as the others'. */
export async function runFaultChecks(options: { redisClient?: Redis } = {}): Promise<CheckResult[]> {
  const client = options.redisClient ?? redis();
  const pg = await checkPostgres();
  const rd = await checkRedis(client);
  const results: CheckResult[] = [pg, rd];
  const guarded = async (check: string, needs: CheckResult[], run: () => Promise<CheckResult | null>) => {
    if (needs.some((n) => n.fault)) return; // cannot tell while its service is away: that fault is already open
    try {
      const r = await run();
      if (r) results.push(r);
    } catch (err) {
      results.push({ check, fault: true, detail: `the check could not run: ${message(err)}` });
    }
  };
  await guarded('queue_backlog', [pg, rd], checkBacklog);
  await guarded('failed_jobs', [pg], checkFailedJobs);
  await guarded('http_5xx', [pg, rd], () => check5xx(client));
  await guarded('disk_space', [pg], checkDisk);
  await guarded('smtp', [pg], checkSmtp);
  return results;
}

const TITLES: Record<string, [string, string]> = {
  postgres: ['数据库（PostgreSQL）', 'database (PostgreSQL)'],
  redis: ['Redis', 'Redis'],
  queue_backlog: ['任务队列积压', 'queue backlog'],
  failed_jobs: ['后台任务最终失败', 'jobs failed for good'],
  http_5xx: ['5xx 错误率', '5xx error rate'],
  disk_space: ['磁盘空间', 'free disk space'],
  smtp: ['邮件服务器（SMTP）', 'mail relay (SMTP)'],
};

/** Faults seen while PostgreSQL was away, written (with their recovery) once it answers again. */
const heldWhileDown: CheckResult[] = [];

/**
 * Records each result in `fault_states`; a check turning faulty, or fine again, is claimed by one
 * conditional statement, so it alerts once however many workers check at once. An alert is a
 * `system_logs` row plus an in-site notification and email to every active super admin.
 */
export async function recordFaults(results: CheckResult[]): Promise<{ opened: string[]; closed: string[] }> {
  const opened: string[] = [];
  const closed: string[] = [];
  const pgDown = results.find((r) => r.check === 'postgres' && r.fault);
  if (pgDown) {
    logger().fatal({ detail: pgDown.detail }, 'fault: PostgreSQL does not answer');
    if (!heldWhileDown.length) heldWhileDown.push(pgDown);
    return { opened, closed };
  }
  // PostgreSQL back: the outage this process saw is recorded as opened, then closed below.
  for (const held of heldWhileDown.splice(0)) if (await transition(held)) opened.push(held.check);
  for (const r of results) {
    if (await transition(r)) (r.fault ? opened : closed).push(r.check);
  }
  return { opened, closed };
}

async function transition(r: CheckResult): Promise<boolean> {
  const rows = r.fault
    ? await db().query<{ since: Date }>(
        `INSERT INTO fault_states (check_name, active, since, detail) VALUES (:check, true, now(), :detail)
         ON CONFLICT (check_name) DO UPDATE SET active = true, since = now(), detail = :detail, updated_at = now()
           WHERE fault_states.active = false
         RETURNING since`,
        { replacements: { check: r.check, detail: r.detail }, type: QueryTypes.SELECT },
      )
    : await db().query<{ since: Date }>(
        `UPDATE fault_states SET active = false, detail = :detail, updated_at = now() WHERE check_name = :check AND active RETURNING since`,
        { replacements: { check: r.check, detail: r.detail }, type: QueryTypes.SELECT },
      );
  if (!rows[0]) {
    if (r.fault) await db().query('UPDATE fault_states SET detail = :detail, updated_at = now() WHERE check_name = :check', { replacements: { check: r.check, detail: r.detail } });
    return false;
  }
  await alert(r, rows[0].since);
  return true;
}

async function alert(r: CheckResult, since: Date): Promise<void> {
  const [zh, en] = TITLES[r.check] ?? [r.check, r.check];
  const title = r.fault ? say(`故障告警：${zh}`, `Fault: ${en}`) : say(`故障已恢复：${zh}`, `Recovered: ${en}`);
  const body = r.fault
    ? say(`${zh}出现故障（${since.toISOString()}）。\n${r.detail}`, `${en}: fault since ${since.toISOString()}.\n${r.detail}`)
    : say(`${zh}已恢复（故障开始于 ${since.toISOString()}）。\n${r.detail}`, `${en} is fine again (fault since ${since.toISOString()}).\n${r.detail}`);
  // The system log is read by operators in either language: it keeps both.
  const logLine = `${title['zh-CN']} / ${title.en}`;
  await SystemLog.create({ level: r.fault ? 'alert' : 'info', source: `fault:${r.check}`, message: logLine, context: { detail: r.detail, since } });
  logger()[r.fault ? 'error' : 'info']({ check: r.check, detail: r.detail }, logLine);
  if (!(await getSetting('notification.fault_alerts_enabled'))) return;
  const admins = await AdminUser.findAll({ where: { role: 'super_admin', status: 'active' }, attributes: ['id'] });
  // The email goes through the outbox: with SMTP itself down it waits there, the in-site notice does not.
  await notifyUsers({ userIds: admins.map((a) => a.id), event: r.fault ? 'ops.fault' : 'ops.fault_recovered', kind: 'system', title, body, sendEmail: true });
}

/** One round: check everything, record transitions, alert once per transition. */
export async function checkFaults(options: { redisClient?: Redis } = {}): Promise<{ opened: string[]; closed: string[]; results: CheckResult[] }> {
  const results = await runFaultChecks(options);
  return { ...(await recordFaults(results)), results };
}

export const checkFaultsJob = defineJob({
  name: 'ops.check-faults',
  queue: 'maintenance',
  description: 'Check PostgreSQL, Redis, queue backlogs, failed jobs, the 5xx rate, free disk and SMTP; alert super admins once per new fault and once per recovery',
  schedule: { every: 60_000 },
  data: z.object({}).default({}),
  options: { attempts: 1 },
  run: async () => {
    const { opened, closed } = await checkFaults();
    return { opened, closed };
  },
});
