import { ensureFirstSuperAdmin } from '../services/bootstrap/ensureFirstSuperAdmin.js';
import { ensureDefaultSettings } from '../services/systemConfig/systemConfig.js';
import { checkServices, loadEnvironment, onShutdown, runMain, runMigrations } from './lifecycle.js';

/** `npm start`: everything a deployment needs in one process — schema, first admin, web and worker. */
runMain('seahorse start', async () => {
  const cfg = loadEnvironment();
  const { databaseCreated } = await checkServices(cfg);
  if (databaseCreated) console.log(`Created database "${new URL(cfg.DATABASE_URL).pathname.slice(1)}".`);
  await runMigrations(cfg);
  await ensureDefaultSettings();
  const admin = await ensureFirstSuperAdmin({ username: cfg.ADMIN_USERNAME, password: cfg.ADMIN_PASSWORD, email: cfg.ADMIN_EMAIL });
  // Printed before anything else can fail, so a generated password is never lost.
  if (admin.generatedPassword) {
    console.log(
      `\nCreated the first super admin "${admin.username}" with password: ${admin.generatedPassword}\n` +
        'This password is shown only now; you will be asked to change it at first login.\n',
    );
  } else if (admin.created) {
    console.log(`Created the first super admin "${admin.username}" with the password from ADMIN_PASSWORD.`);
  }

  // Loaded only now (AdminJS is heavy), so a missing service is reported at once.
  const { startWeb } = await import('./httpServer.js');
  const web = await startWeb(cfg);
  const worker = cfg.RUN_WORKER ? await (await import('../../worker/index.js')).startWorker({ recover: true }) : undefined;
  onShutdown(async () => {
    await web.close();
    await worker?.close();
  });
  console.log(
    [
      '',
      `Seahorse is running (${cfg.NODE_ENV}). Listening on ${web.url}`,
      `  Log in:  ${cfg.PUBLIC_URL}/admin  as "${admin.username}"` +
        (admin.created ? '' : ` (forgot the password? npx seahorse user:reset-password --username ${admin.username})`),
      `  API:     ${cfg.PUBLIC_URL}/api    Open API: ${cfg.PUBLIC_URL}/open    Readiness: ${web.url}/readyz`,
      `  Worker:  ${worker ? `in this process (queues: ${worker.queues.join(', ')})` : 'not here (RUN_WORKER=false): run `npm run worker`'}`,
      '',
    ].join('\n'),
  );
});
