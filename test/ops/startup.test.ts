import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import pg from 'pg';
import { dropDatabase } from '../../server/db/preflight.js';
import { TEST_DATABASE_URL } from '../support/global.js';
import { closedPort, collect, runEntry, STACK_LINE, startEntry, until } from './child.js';

const START = 'server/bin/start.ts';

describe('npm start (the real start entry, as a child process)', function () {
  this.timeout(300_000);

  it('with PostgreSQL unreachable: one clear message naming the URL and how to start it, exit code ≠ 0', async () => {
    const port = await closedPort();
    const result = await runEntry(START, [], { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/seahorse` });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, new RegExp(`Cannot reach PostgreSQL at postgres://postgres@127\\.0\\.0\\.1:${port}/seahorse`));
    assert.match(result.stderr, /pg_ctlcluster/);
    assert.doesNotMatch(result.stderr, STACK_LINE);
  });

  it('with Redis unreachable: one clear message naming the URL and how to start it, exit code ≠ 0', async () => {
    const port = await closedPort();
    const result = await runEntry(START, [], { REDIS_URL: `redis://127.0.0.1:${port}` });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, new RegExp(`Cannot reach Redis at redis://127\\.0\\.0\\.1:${port}`));
    assert.match(result.stderr, /redis-server/);
    assert.doesNotMatch(result.stderr, STACK_LINE);
  });

  it('with invalid configuration: lists the problems, exit code 1', async () => {
    const result = await runEntry(START, [], { PORT: 'eighty', MASTER_KEY: 'short' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Configuration problem/);
    assert.match(result.stderr, /PORT/);
    assert.match(result.stderr, /MASTER_KEY: must be 64 hex characters/);
    assert.doesNotMatch(result.stderr, STACK_LINE);
  });

  it('npm run web / npm run worker never migrate: on an empty database they name the missing migrations and exit 1', async () => {
    const url = `${TEST_DATABASE_URL}_empty`;
    try {
      for (const entry of ['server/bin/web.ts', 'worker/main.ts']) {
        const result = await runEntry(entry, [], { DATABASE_URL: url, PORT: '0' });
        assert.equal(result.code, 1, entry);
        assert.match(result.stderr, /is missing \d+ migration\(s\) \(20261122000100-identity\.cjs/);
        assert.match(result.stderr, /seahorse db:migrate/);
        assert.doesNotMatch(result.stderr, STACK_LINE);
      }
    } finally {
      await dropDatabase(url);
    }
  });

  describe('on a fresh database', () => {
    const url = `${TEST_DATABASE_URL}_start`;
    after(() => dropDatabase(url));

    it('creates the database, migrates, creates the first super admin once, serves, and drains on SIGTERM with exit 0', async () => {
      const env = {
        DATABASE_URL: url,
        REDIS_PREFIX: `${process.env.REDIS_PREFIX}:start`,
        PORT: '0',
        HOST: '127.0.0.1',
        RUN_WORKER: 'true',
        NODE_ENV: 'development',
        ADMIN_USERNAME: 'rootadmin',
        LOG_LEVEL: 'warn',
      };
      const child = startEntry(START, [], env);
      const io = collect(child);
      const listening = await until(async () => {
        const { stdout } = io.output();
        return /Listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? (child.exitCode !== null ? 'exited' : undefined);
      });
      assert.notEqual(listening, 'exited', io.output().stderr);
      const { stdout } = io.output();
      const password = /Created the first super admin "rootadmin" with password: (\S+)/.exec(stdout)?.[1];
      assert.ok(password, stdout);
      assert.match(stdout, /\/admin/);
      assert.match(stdout, /Worker:\s+in this process/);

      assert.equal((await fetch(`${listening}/healthz`)).status, 200);
      assert.deepEqual(await (await fetch(`${listening}/readyz`)).json(), { status: 'ready', postgres: 'ok', redis: 'ok' });

      child.kill('SIGTERM');
      const result = await io.done;
      assert.equal(result.code, 0, result.stderr);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT username, password_hash, must_change_password FROM admin_users WHERE role = 'super_admin'`);
        assert.equal(rows.length, 1);
        assert.equal(rows[0].username, 'rootadmin');
        assert.equal(rows[0].must_change_password, true);
        assert.ok(await bcrypt.compare(password, rows[0].password_hash));
      } finally {
        await client.end();
      }

      const again = startEntry(START, [], env);
      const againIo = collect(again);
      await until(async () => /Listening on/.test(againIo.output().stdout) || again.exitCode !== null);
      assert.doesNotMatch(againIo.output().stdout, /Created the first super admin/, 'the first admin is created only once');
      again.kill('SIGTERM');
      assert.equal((await againIo.done).code, 0);
    });
  });
});
