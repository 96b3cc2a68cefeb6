import { assertSchemaCurrent, checkServices, loadEnvironment, onShutdown, runMain } from './lifecycle.js';

/** `npm run web`: the HTTP part alone, for scaling web processes separately from workers. */
runMain('seahorse web', async () => {
  const cfg = loadEnvironment();
  await checkServices(cfg);
  await assertSchemaCurrent(cfg);
  const { startWeb } = await import('./httpServer.js'); // after the checks: AdminJS is heavy to load
  const web = await startWeb(cfg);
  onShutdown(() => web.close());
  console.log(`Seahorse web listening on ${web.url} (admin: ${cfg.PUBLIC_URL}/admin)`);
});
