import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { QueryTypes } from 'sequelize';
import { config, loadConfig, setConfig } from '../../config.js';
import { db } from '../../db/index.js';
import { LogArchive } from '../../models/index.js';
import { archiveDir, archiveLogs, readArchive } from './logArchive.js';

const DAY = 86_400_000;

async function read(fileName: string): Promise<Array<Record<string, unknown>>> {
  let text = '';
  await readArchive(fileName, new Writable({ write(c, _e, cb) { text += c; cb(); } }));
  return text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('log retention: archive by month, delete in batches, read back', function () {
  this.timeout(120_000);
  let dir: string;
  let previous: ReturnType<typeof config>;
  // Other suites' rows are recent (real clock); ours are dated mid-month so they cannot straddle a month.
  const now = new Date();
  const midMonth = (daysAgo: number) => {
    const d = new Date(now.getTime() - daysAgo * DAY);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 15, 4));
  };
  const old1 = midMonth(130); // archived
  const old2 = midMonth(220); // archived, an earlier month
  const monthOf = (d: Date) => `${d.toISOString().slice(0, 7)}-01`;
  const recent = new Date(now.getTime() - 30 * DAY); // stays

  before(async () => {
    previous = config();
    dir = await mkdtemp(path.join(os.tmpdir(), 'seahorse-logs-'));
    setConfig(loadConfig({ ...process.env, BACKUP_DIR: dir, EXPORT_DIR: path.join(dir, 'exports') }));
  });

  after(async () => {
    setConfig(previous);
    await rm(dir, { recursive: true, force: true });
  });

  it('moves rows older than 90 days into encrypted monthly JSONL archives and deletes exactly those', async () => {
    const q = (sql: string, replacements: Record<string, unknown> = {}) => db().query(sql, { replacements });
    // Anything another suite left older than the retention is archived too; count only what is ours (marked 'bk-test').
    // 2,500 old API calls in one month: more than one delete batch.
    await q(
      `INSERT INTO api_call_logs (method, path, status, duration_ms, ip, created_at)
       SELECT 'POST', '/bk-test/verify/' || g, 200, g % 50, '10.0.0.1', CAST(:at AS timestamptz) + (g || ' seconds')::interval FROM generate_series(1, 2500) g`,
      { at: old1 },
    );
    await q(`INSERT INTO api_call_logs (method, path, status, duration_ms, created_at) VALUES ('GET', '/bk-test/old2', 200, 1, :old2), ('GET', '/bk-test/recent', 200, 1, :recent)`, { old2, recent });
    await q(`INSERT INTO system_logs (level, source, message, created_at) VALUES ('info', 'bk-test', 'old system row', :old1), ('info', 'bk-test', 'recent system row', :recent)`, { old1, recent });
    await q(`INSERT INTO operation_logs (action, resource, record_id, after, created_at) VALUES ('update', 'bk-test', '1', '{"a":1}', :old2), ('update', 'bk-test', '2', NULL, :recent)`, { old2, recent });
    await q(`INSERT INTO login_logs (username, success, reason, created_at) VALUES ('bk-test', true, 'ok', :old1)`, { old1 });
    await q(`INSERT INTO card_key_verifications (code, result, created_at) VALUES ('bk-test', 'ok', :old1)`, { old1 });
    await q(
      `INSERT INTO email_messages (to_address, subject, text_body, status, created_at, updated_at)
       VALUES ('a@example.com', 'bk-test sent long ago', 'body', 'sent', :old1, :old1), ('b@example.com', 'bk-test still queued', 'body', 'queued', :old1, :old1)`,
      { old1 },
    );
    const oldCalls = await db().query<Record<string, unknown>>(`SELECT * FROM api_call_logs WHERE created_at < :cut AND path LIKE '/bk-test/%' ORDER BY id`, {
      type: QueryTypes.SELECT,
      replacements: { cut: new Date(now.getTime() - 90 * DAY) },
    });
    assert.equal(oldCalls.length, 2501);

    const result = await archiveLogs(now);
    assert.ok(result.deleted >= 2501 + 5);
    const archives = await LogArchive.findAll({ order: [['tableName', 'ASC'], ['month', 'ASC']] });
    const has = (table: string, month: string) => archives.find((a) => a.tableName === table && a.month === month);
    for (const [table, d] of [['api_call_logs', old1], ['api_call_logs', old2], ['card_key_verifications', old1], ['email_messages', old1], ['login_logs', old1], ['operation_logs', old2], ['system_logs', old1]] as const) {
      assert.ok(has(table, monthOf(d)), `${table} ${monthOf(d)} archived`);
    }

    // Hot tables keep the recent rows and the email still waiting to be sent.
    const left = async (sql: string) => (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, { type: QueryTypes.SELECT }))[0]!.n;
    assert.equal(await left(`api_call_logs WHERE path LIKE '/bk-test/%'`), 1);
    assert.equal(await left(`system_logs WHERE source = 'bk-test'`), 1);
    assert.equal(await left(`operation_logs WHERE resource = 'bk-test'`), 1);
    assert.equal(await left(`login_logs WHERE username = 'bk-test'`), 0);
    assert.equal(await left(`card_key_verifications WHERE code = 'bk-test'`), 0);
    assert.equal(await left(`email_messages WHERE subject = 'bk-test still queued'`), 1);
    assert.equal(await left(`email_messages WHERE subject = 'bk-test sent long ago'`), 0);

    // Read back: exactly the deleted rows, as they were.
    const calls = [has('api_call_logs', monthOf(old2))!, has('api_call_logs', monthOf(old1))!];
    const mine = (rows: Array<Record<string, unknown>>) => rows.filter((r) => String(r.path).startsWith('/bk-test/'));
    const back = mine([...(await read(calls[0]!.fileName)), ...(await read(calls[1]!.fileName))]).sort((a, b) => Number(a.id) - Number(b.id));
    assert.deepEqual(back, JSON.parse(JSON.stringify(oldCalls)));
    const ops = (await read(has('operation_logs', monthOf(old2))!.fileName)).filter((r) => r.resource === 'bk-test');
    assert.deepEqual(ops[0]!.after, { a: 1 });

    // Compressed and encrypted: neither readable text nor gzip magic on disk; a damaged file is refused.
    const file = path.join(await archiveDir(), calls[1]!.fileName);
    const raw = await readFile(file);
    assert.ok(!raw.includes(Buffer.from('/bk-test/verify/')));
    assert.ok(raw.length < 2500 * 40, `compressed (${raw.length} bytes)`);
    raw[raw.length - 20]! ^= 1;
    await writeFile(file, raw);
    await assert.rejects(read(calls[1]!.fileName), /altered|authentication/);

    // A second run finds nothing more to do.
    const again = await archiveLogs(now);
    assert.equal(again.deleted, 0);
    assert.equal(again.archives.length, 0);
  });
});
