import { assertSchemaCurrent, checkServices, loadEnvironment, onShutdown, runMain } from '../server/bin/lifecycle.js';
import { startWorker } from './index.js';

/** `npm run worker`: queue processors and schedules alone, for scaling workers separately from web. */
runMain('seahorse worker', async () => {
  const cfg = loadEnvironment();
  await checkServices(cfg);
  await assertSchemaCurrent(cfg);
  const worker = await startWorker({ recover: true });
  onShutdown(() => worker.close());
  console.log(`Seahorse worker running: ${worker.queues.join(', ')}`);
});
