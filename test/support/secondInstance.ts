/**
 * A second, separate Seahorse web process for cross-process tests: same database and Redis prefix
 * (inherited from the parent's environment), its own in-process caches. Prints its URL.
 */
import { loadConfig, setConfig } from '../../server/config.js';
import { db } from '../../server/db/index.js';
import { startTestServer } from './http.js';

setConfig(loadConfig());
db(); // initialises the models
const server = await startTestServer();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => process.exit(0));
