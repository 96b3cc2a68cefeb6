#!/usr/bin/env node
/**
 * `seahorse` — the operator CLI (`npx seahorse …` after a build, `npm run cli -- …` from source).
 * Its commands are registered in program.ts; each runs as the `system` actor (policy.ts).
 */
import { buildProgram } from './program.js';

await buildProgram().parseAsync(process.argv);
