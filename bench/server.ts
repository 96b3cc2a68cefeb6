/**
 * The benchmark's server process: the real app (same process configuration as production web) plus a
 * baseline endpoint that does one indexed SELECT by primary key on card_keys and answers JSON.
 */
import { QueryTypes } from 'sequelize';
import { loadConfig, setConfig } from '../server/config.js';
import { createApp } from '../server/app.js';
import { db } from '../server/db/index.js';

setConfig(loadConfig());
db();
const app = await createApp({
  mountAdmin: async (a) => {
    a.get('/bench/baseline/:id', async (req, res, next) => {
      try {
        const rows = await db().query<{ id: number; code: string; status: string; expires_at: Date | null }>(
          'SELECT id, code, status, device_id, expires_at FROM card_keys WHERE id = :id',
          { replacements: { id: Number(req.params.id) }, type: QueryTypes.SELECT },
        );
        res.json({ valid: Boolean(rows[0]), key: rows[0] ?? null, server_time: Date.now() });
      } catch (err) {
        next(err);
      }
    });
  },
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
