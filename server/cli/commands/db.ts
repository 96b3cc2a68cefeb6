import type { Command } from 'commander';
import { checkServices, runMigrations } from '../../bin/lifecycle.js';
import { ensureDefaultSettings } from '../../services/systemConfig/systemConfig.js';
import { action } from '../run.js';

export function registerDbCommands(program: Command): void {
  program
    .command('db:migrate')
    .description('create the database if missing and apply pending migrations')
    .action(
      action(async (cfg) => {
        await checkServices(cfg);
        await runMigrations(cfg);
        await ensureDefaultSettings(); // so `npm run web` after a fresh db:migrate lists (and can edit) every setting
        console.log('Migrations are up to date.');
      }),
    );
}
