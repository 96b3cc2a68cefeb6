import type { Job, JobOptions } from 'bull';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../server/errors.js';
import { logger } from '../server/logger.js';
import { queue, type QueueName } from './queues.js';

export interface JobContext {
  /** The Bull job when run by the worker; absent when run directly (`seahorse job:run`). */
  job?: Job;
  /** True when no retry follows a failure of this run (always true for a direct run). */
  finalAttempt: boolean;
  log: Logger;
}

export type JobSchedule = { cron: string; tz?: string } | { every: number };

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** `<area>:<verb>`, unique; also the Bull job name inside its queue. */
  name: string;
  queue: QueueName;
  description: string;
  /** Validates the job data (from the queue or from `--data` on the CLI). */
  data: S;
  run(data: z.output<S>, ctx: JobContext): Promise<unknown>;
  concurrency?: number;
  /** Makes the worker's scheduler run this job repeatedly (data `{}`). */
  schedule?: JobSchedule;
  options?: JobOptions;
}

/** Keeps the data type of `run` tied to the schema while job lists stay plain arrays. */
export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition {
  return definition as unknown as JobDefinition;
}

export class UnknownJobError extends AppError {
  constructor(name: string, known: string[]) {
    super(400, 1001, 'UNKNOWN_JOB', `unknown job "${name}". Known jobs: ${known.join(', ')}`);
  }
}

export class InvalidJobDataError extends AppError {
  constructor(name: string, error: z.ZodError) {
    super(
      400,
      1001,
      'INVALID_JOB_DATA',
      `invalid data for job "${name}": ${error.issues.map((i) => `${i.path.join('.') || '(data)'} ${i.message}`).join('; ')}`,
    );
  }
}

export function parseJobData(definition: JobDefinition, raw: unknown): unknown {
  const parsed = definition.data.safeParse(raw ?? {});
  if (!parsed.success) throw new InvalidJobDataError(definition.name, parsed.error);
  return parsed.data;
}

export function findJob(jobs: JobDefinition[], name: string): JobDefinition {
  const definition = jobs.find((j) => j.name === name);
  if (!definition) throw new UnknownJobError(name, jobs.map((j) => j.name));
  return definition;
}

/** Runs a job in this process, now, without the queue. */
export async function runJobNow(jobs: JobDefinition[], name: string, raw: unknown): Promise<unknown> {
  const definition = findJob(jobs, name);
  const data = parseJobData(definition, raw);
  return definition.run(data, { finalAttempt: true, log: logger().child({ job: name }) });
}

/** Puts a job on its queue for the worker. */
export async function enqueueJob(jobs: JobDefinition[], name: string, raw: unknown, options?: JobOptions): Promise<Job> {
  const definition = findJob(jobs, name);
  const data = parseJobData(definition, raw);
  return queue(definition.queue).add(definition.name, data, { ...definition.options, ...options });
}
