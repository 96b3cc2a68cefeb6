import type { Command } from 'commander';
import { enqueue, JOBS, runNow } from '../../../worker/index.js';
import { assertSchemaCurrent, checkServices } from '../../bin/lifecycle.js';
import { badRequest } from '../../errors.js';
import { action } from '../run.js';

function parseData(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest(`--data is not valid JSON: ${raw}`);
  }
}

export function registerJobCommands(program: Command): void {
  program
    .command('job:list')
    .description('list the background jobs and their schedules')
    .action(() => {
      for (const j of JOBS) {
        const schedule = j.schedule ? ('cron' in j.schedule ? ` [cron ${j.schedule.cron}]` : ` [every ${j.schedule.every} ms]`) : '';
        console.log(`${j.name.padEnd(28)} ${j.queue.padEnd(14)} ${j.description}${schedule}`);
      }
    });

  program
    .command('job:run')
    .description('run a named job now in this process (see job:list), or --enqueue it for the worker')
    .argument('<name>', 'job name, e.g. email:test')
    .option('--data <json>', 'job data as JSON', undefined)
    .option('--enqueue', 'put the job on its queue instead of running it here')
    .action(
      action(async (cfg, name: string, opts: { data?: string; enqueue?: boolean }) => {
        await checkServices(cfg);
        await assertSchemaCurrent(cfg);
        const data = parseData(opts.data);
        if (opts.enqueue) {
          const job = await enqueue(name, data);
          console.log(`Queued ${name} as job ${job.id}.`);
          return;
        }
        const result = await runNow(name, data);
        console.log(`${name} finished${result === undefined ? '.' : `: ${JSON.stringify(result)}`}`);
      }),
    );
}
