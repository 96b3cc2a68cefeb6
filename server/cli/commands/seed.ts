import type { Command } from 'commander';
import { checkServices, runMigrations } from '../../bin/lifecycle.js';
import { DEFAULT_SEED_PASSWORD, seedDemo } from '../../services/bootstrap/seedDemo.js';
import { action } from '../run.js';

export function registerSeedCommands(program: Command): void {
  program
    .command('seed:demo')
    .description(`add demo users (password SEED_PASSWORD, default ${DEFAULT_SEED_PASSWORD}), quota, catalog, project "demo", banners, API catalog; re-running changes nothing`)
    .action(
      action(async (cfg) => {
        await checkServices(cfg);
        await runMigrations(cfg);
        const password = process.env.SEED_PASSWORD || DEFAULT_SEED_PASSWORD;
        const report = await seedDemo({
          password,
          appKey: process.env.SEED_APP_KEY || undefined,
          appSecret: process.env.SEED_APP_SECRET || undefined,
        });
        if (!report.created.length) {
          console.log('Demo data already present; nothing changed.');
        } else {
          console.log(`Demo data added:\n${report.created.map((c) => `  - ${c}`).join('\n')}`);
        }
        if (report.project) {
          console.log(`Project "demo": app key ${report.project.appKey}` + (report.project.appSecret ? `, app secret (shown only now) ${report.project.appSecret}` : ' (secret from SEED_APP_SECRET)'));
        }
        console.log(`Demo users: superadmin, agentadmin1, agentadmin2, agent1a, agent1b, agent2a, agent2b — password ${process.env.SEED_PASSWORD ? 'from SEED_PASSWORD' : DEFAULT_SEED_PASSWORD}`);
      }),
    );
}
