import { SYSTEM_ACTOR } from '../policies/actor.js';
import { authorize } from '../policies/index.js';

/**
 * What each CLI command does, as the policies name it. The CLI acts as the `system` actor
 * (policies/actor.ts), which is no bypass: `action()` (run.ts) asks `authorize(SYSTEM_ACTOR, verb,
 * resource)` before a command runs, and the policy of `resource` must list the verb for `system`.
 * A command missing here refuses to run.
 */
export const CLI_POLICY: Readonly<Record<string, { verb: string; resource: string }>> = {
  'user:create': { verb: 'createUser', resource: 'admin_users' },
  'user:reset-password': { verb: 'resetPassword', resource: 'admin_users' },
  'db:migrate': { verb: 'migrate', resource: 'database' },
  'seed:demo': { verb: 'seed', resource: 'database' },
  'job:list': { verb: 'listJobs', resource: 'jobs' },
  'job:run': { verb: 'runJob', resource: 'jobs' },
  'quota:reconcile': { verb: 'reconcile', resource: 'quota_accounts' },
  // Acts as the named admin user, whose own policies then decide (generateCardKeys authorizes them).
  'card-keys:generate': { verb: 'actAs', resource: 'admin_users' },
  'stats:rollup': { verb: 'rollup', resource: 'stats' },
  'backup:create': { verb: 'backupNow', resource: 'backups' },
  'backup:list': { verb: 'listBackups', resource: 'backups' },
  'backup:restore': { verb: 'restore', resource: 'backups' },
  'logs:archive': { verb: 'archive', resource: 'log_archives' },
  'logs:archive-read': { verb: 'read', resource: 'log_archives' },
};

/** Throws unless the system actor may run CLI command `name` (its verb on its resource). */
export function authorizeCommand(name: string): void {
  const policy = CLI_POLICY[name];
  if (!policy) throw new Error(`CLI command ${name} names no policy (server/cli/policy.ts)`);
  authorize(SYSTEM_ACTOR, policy.verb, policy.resource);
}
