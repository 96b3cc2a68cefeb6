import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dropDatabase, ensureDatabase, migrate } from '../../server/db/preflight.js';
import { projectRoot } from '../../server/lib/paths.js';
import { TEST_DATABASE_URL } from '../support/global.js';
import { collect, runCli } from './child.js';

/**
 * The whole operator path on a database of its own (a stand-in for production's live one):
 * `backup:create`, a change, then `backup:restore --in-place` with the database name typed on
 * stdin — the change is gone and the restore is logged in the restored database.
 */
describe('seahorse backup:restore --in-place (the real CLI, on its own database)', function () {
  this.timeout(240_000);
  const name = `${new URL(TEST_DATABASE_URL).pathname.slice(1)}_live`.slice(0, 63);
  let dir: string;
  let env: Record<string, string>;

  const query = async (sql: string): Promise<Array<Record<string, unknown>>> => {
    const client = new pg.Client({ connectionString: liveUrl() });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const liveUrl = () => TEST_DATABASE_URL.replace(/\/[^/]+$/, `/${name}`);

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'seahorse-inplace-'));
    await ensureDatabase(liveUrl());
    await migrate(liveUrl());
    env = { DATABASE_URL: liveUrl(), BACKUP_DIR: dir };
  });

  after(async () => {
    await dropDatabase(liveUrl());
    await rm(dir, { recursive: true, force: true });
  });

  it('backs up, then restores over the live database only after its name is typed', async () => {
    await query(`INSERT INTO login_logs (username, success, reason) VALUES ('before-backup', true, 'ok')`);
    const created = await runCli(['backup:create'], env);
    assert.equal(created.code, 0, created.stderr);
    const id = /Backup #(\d+) manual verified/.exec(created.stdout)?.[1];
    assert.ok(id, created.stdout);

    await query(`INSERT INTO login_logs (username, success, reason) VALUES ('after-backup', true, 'ok')`);

    const typed = async (answer: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'server/cli/index.ts'), 'backup:restore', id, '--target-database', name, '--in-place'], {
        cwd: projectRoot(),
        env: { ...process.env, NODE_OPTIONS: '', SMTP_URL: '', ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const result = collect(child);
      child.stdin!.end(`${answer}\n`);
      return result.done;
    };

    const wrong = await typed('seahorse');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /数据库名不符|does not match/);
    assert.equal((await query(`SELECT count(*)::int AS n FROM login_logs WHERE username = 'after-backup'`))[0]!.n, 1, 'nothing changed');

    const right = await typed(name);
    assert.equal(right.code, 0, right.stderr);
    assert.match(right.stdout, new RegExp(`Restored backup #${id} into database ${name}`));
    assert.match(right.stdout, /The restored books balance/);
    const users = (await query(`SELECT username FROM login_logs ORDER BY id`)).map((r) => r.username);
    assert.deepEqual(users, ['before-backup'], 'the database is as it was at backup time');
    const logged = await query(`SELECT action FROM operation_logs WHERE resource = 'backups' AND action = 'restore' AND record_id = '${id}'`);
    assert.equal(logged.length, 1, 'the restore is logged in the restored database');
  });
});
