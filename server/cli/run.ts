import { closeEverything, describeFailure, loadEnvironment } from '../bin/lifecycle.js';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { authorizeCommand } from './policy.js';

/**
 * Wraps a command action: asks the policies whether the system actor may run this command
 * (policy.ts), loads configuration, runs, closes every pool so the process exits,
 * and turns operator mistakes into one line on stderr with exit code 1 (bugs keep their stack, exit 2).
 */
export function action<A extends unknown[]>(body: (cfg: Config, ...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      // Commander passes the command itself last.
      authorizeCommand((args[args.length - 1] as Command).name());
      await body(loadEnvironment(), ...args);
    } catch (err) {
      const { message, expected } = describeFailure(err);
      console.error(`error: ${message}`);
      process.exitCode = expected ? 1 : 2;
    } finally {
      await closeEverything().catch(() => undefined);
    }
  };
}
