import { Command } from 'commander';
import { registerBackupCommands } from './commands/backup.js';
import { registerCardKeyCommands } from './commands/cardKeys.js';
import { registerDbCommands } from './commands/db.js';
import { registerJobCommands } from './commands/job.js';
import { registerQuotaCommands } from './commands/quota.js';
import { registerSeedCommands } from './commands/seed.js';
import { registerStatsCommands } from './commands/stats.js';
import { registerUserCommands } from './commands/user.js';

/**
 * To add a command: write `register<Area>Commands(program)` in `commands/<area>.ts` (wrap its
 * action in `action()` from run.ts), name its verb in policy.ts, and add ONE line to COMMANDS below.
 */
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

/** The `seahorse` program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('seahorse')
    .description('Seahorse operator commands (configuration from the environment and .env)')
    .showHelpAfterError()
    .configureOutput({ outputError: (message, write) => write(message) });
  for (const register of COMMANDS) register(program);
  return program;
}
