import type { Job as BullJob, JobOptions } from 'bull';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, zodIssues } from '../errors.js';
import { say } from '../i18n.js';
import { logger } from '../logger.js';
import { queue, type QueueName } from './queue.js';

export interface JobContext {
  /** The Bull job when run by the worker; absent when run directly (`seahorse job:run`). */
  job?: BullJob;
  /** True when no retry follows a failure of this run (always true for a direct run). */
  finalAttempt: boolean;
  log: Logger;
}

export type JobSchedule = { cron: string; tz?: string } | { every: number };

export interface JobDefinition<S extends z.ZodType, R = unknown> {
  /** `area.verb` (see JOB_NAME), unique; also the Bull job name inside its queue. */
  name: string;
  queue: QueueName;
  description: string;
  /** Validates the job data: when it is queued, when the worker takes it, and `--data` on the CLI. */
  data: S;
  run(data: z.output<S>, ctx: JobContext): Promise<R>;
  concurrency?: number;
  /** Makes the worker's scheduler run this job repeatedly, with data `{}` (which `data` must accept). */
  schedule?: JobSchedule;
  /** Bull options of every run (attempts, backoff…); a function when they come from the configuration. */
  options?: JobOptions | (() => JobOptions);
}

/** What `defineJob` returns: the declaration plus the only ways to queue or run the job. */
export interface JobHandle<S extends z.ZodType = z.ZodType, R = unknown> extends Readonly<Omit<JobDefinition<S, R>, 'options'>> {
  /** The Bull options of every run, read now. */
  options(): JobOptions;
  /** The job data, validated: InvalidJobDataError (400) when it does not fit the schema. */
  parse(raw: unknown): z.output<S>;
  /** Validates `data`, then puts the job on its queue under its name (`options` over the job's own). */
  enqueue(data: z.input<S>, options?: JobOptions): Promise<BullJob<z.output<S>>>;
  /** Validates `data` and runs the job in this process, now, without the queue. */
  runNow(data?: unknown): Promise<R>;
}

/**
 * `area.verb`, lower case, words joined by hyphens (`email.send`, `card-keys.resume-batches`).
 * No ':' — Bull's repeat keys are ':'-separated and its own parser (`getRepeatableJobs`,
 * `removeRepeatableByKey`) splits them on ':', so a name containing one could never be matched or
 * removed as a schedule.
 */
export const JOB_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const zhCN = z.locales.zhCN().localeError;

export class InvalidJobDataError extends AppError {
  constructor(name: string, zh: string, en: string) {
    super(400, 1001, 'INVALID_JOB_DATA', say(`任务 ${name} 的数据无效：${zh}`, `invalid data for job ${name}: ${en}`));
  }
}

export class UnknownJobError extends AppError {
  constructor(name: string, known: readonly string[]) {
    super(400, 1001, 'UNKNOWN_JOB', say(`没有名为 ${name} 的任务。已有任务：${known.join(', ')}`, `unknown job ${name}. Known jobs: ${known.join(', ')}`));
  }
}

/** Declares a job; the handle it returns validates every payload against `data` before anything runs or is queued. */
export function defineJob<S extends z.ZodType, R>(definition: JobDefinition<S, R>): JobHandle<S, R> {
  if (!JOB_NAME.test(definition.name)) throw new Error(`job name "${definition.name}" is not area.verb (see JOB_NAME)`);
  if (definition.schedule && !definition.data.safeParse({}).success) {
    throw new Error(`job ${definition.name} is scheduled, so its data schema must accept the scheduler's {}`);
  }
  const { options, ...declaration } = definition;
  const optionsNow = (): JobOptions => (typeof options === 'function' ? options() : { ...options });
  const parse = (raw: unknown): z.output<S> => {
    const parsed = definition.data.safeParse(raw ?? {});
    if (parsed.success) return parsed.data;
    const zh = definition.data.safeParse(raw ?? {}, { error: zhCN });
    throw new InvalidJobDataError(definition.name, zodIssues(zh.error ?? parsed.error), zodIssues(parsed.error));
  };
  return Object.freeze({
    ...declaration,
    options: optionsNow,
    parse,
    async enqueue(data: z.input<S>, extra?: JobOptions) {
      const valid = parse(data);
      return queue(definition.queue).add(definition.name, valid, { ...optionsNow(), ...extra }) as Promise<BullJob<z.output<S>>>;
    },
    async runNow(data?: unknown) {
      return definition.run(parse(data), { finalAttempt: true, log: logger().child({ job: definition.name }) });
    },
  });
}

/**
 * The job name for what an operator typed: `stats.rollup`, or `stats:rollup` as jobs were named
 * before (and as older notes and scripts still spell them).
 */
export function jobName(spelling: string): string {
  return spelling.trim().replaceAll(':', '.');
}

/** The job an operator named (either spelling), among `jobs`. */
export function findJob(jobs: readonly JobHandle[], spelling: string): JobHandle {
  const name = jobName(spelling);
  const job = jobs.find((j) => j.name === name);
  if (!job) throw new UnknownJobError(spelling, jobs.map((j) => j.name));
  return job;
}
