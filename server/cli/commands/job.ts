import type { Command } from 'commander';
import { JOBS } from '../../../worker/index.js';
import { assertSchemaCurrent, checkServices } from '../../bin/lifecycle.js';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';
import { findJob } from '../../queues/defineJob.js';
import { authorizeCommand } from '../policy.js';
import { action } from '../run.js';

function parseData(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest(say(`--data 不是有效的 JSON：${raw}`, `--data is not valid JSON: ${raw}`));
  }
}

export function registerJobCommands(program: Command): void {
  program
    .command('job:list')
    .description('list the background jobs and their schedules')
    .action(() => {
      authorizeCommand('job:list');
      for (const j of JOBS) {
        const schedule = j.schedule ? ('cron' in j.schedule ? ` [cron ${j.schedule.cron}]` : ` [every ${j.schedule.every} ms]`) : '';
        console.log(`${j.name.padEnd(28)} ${j.queue.padEnd(14)} ${j.description}${schedule}`);
      }
    });

  program
    .command('job:run')
    .description('run a named job now in this process (see job:list), or --enqueue it for the worker')
    .argument('<name>', 'job name, e.g. email.test (email:test is read the same)')
    .option('--data <json>', 'job data as JSON', undefined)
    .option('--enqueue', 'put the job on its queue instead of running it here')
    .action(
      action(async (cfg, name: string, opts: { data?: string; enqueue?: boolean }) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        const job = findJob(JOBS, name);
        const data = parseData(opts.data);
        if (opts.enqueue) {
          const queued = await job.enqueue(data);
          console.log(`Queued ${job.name} as job ${queued.id}.`);
          return;
        }
        const result = await job.runNow(data);
        console.log(`${job.name} finished${result === undefined ? '.' : `: ${JSON.stringify(result)}`}`);
      }),
    );
}
