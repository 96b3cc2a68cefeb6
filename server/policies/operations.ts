import { allow, definePolicy, SYSTEM } from './policy.js';

/**
 * What only the operator does, at the command line (server/cli), on things that are not a table:
 * the database's schema and demo data, the background jobs, the stats rollups.
 */
export const databasePolicy = definePolicy('database', allow(SYSTEM, ['migrate', 'seed']));
export const jobPolicy = definePolicy('jobs', allow(SYSTEM, ['listJobs', 'runJob']));
export const statsPolicy = definePolicy('stats', allow(SYSTEM, 'rollup'));
