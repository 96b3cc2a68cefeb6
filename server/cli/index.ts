#!/usr/bin/env node
/**
 * `seahorse` — the operator CLI (`npx seahorse …` after a build, `npm run cli -- …` from source).
 * To add a command: write `register<Area>Commands(program)` in `commands/<area>.ts` (wrap its
 * action in `action()` from run.ts) and add ONE line to COMMANDS below.
 */
import { Command } from 'commander';
import { registerBackupCommands } from './commands/backup.js';
import { registerCardKeyCommands } from './commands/cardKeys.js';
import { registerDbCommands } from './commands/db.js';
import { registerJobCommands } from './commands/job.js';
import { registerQuotaCommands } from './commands/quota.js';
import { registerSeedCommands } from './commands/seed.js';
import { registerStatsCommands } from './commands/stats.js';
import { registerUserCommands } from './commands/user.js';

const COMMANDS: Array<(program: Command) => void> = [
  registerUserCommands,
  registerDbCommands,
  registerJobCommands,
  registerSeedCommands,
  registerQuotaCommands,
  registerCardKeyCommands,
  registerStatsCommands,
  registerBackupCommands,
];

const program = new Command('seahorse')
  .description('Seahorse operator commands (configuration from the environment and .env)')
  .showHelpAfterError()
  .configureOutput({ outputError: (message, write) => write(message) });
for (const register of COMMANDS) register(program);

await program.parseAsync(process.argv);
