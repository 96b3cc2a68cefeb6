import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { projectRoot } from '../lib/paths.js';
import { db } from './index.js';

/**
 * The database functions are written once, as source files beside the service that owns them
 * (server/services/<service>/sql/<function>.sql); migrations load dated copies (migrations/sql/<stamp>/).
 * These tests keep the three equal: the sources, the latest copy, and what the migrated database runs.
 */
const root = projectRoot();
const HOW_TO =
  'To change a SQL function: edit its .sql file, copy every file of server/services/*/sql/ into migrations/sql/<new stamp>/, ' +
  'and add migrations/<new stamp>-<name>.cjs that loads that folder (its down loads the previous one) — see server/services/metering/CONTEXT.md.';

/** function name → SQL text, for one folder of `<function>.sql` files. */
function sqlFiles(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => [f.slice(0, -4), readFileSync(path.join(dir, f), 'utf8')]),
  );
}

function sources(): Map<string, { file: string; sql: string }> {
  const out = new Map<string, { file: string; sql: string }>();
  const services = path.join(root, 'server/services');
  for (const service of readdirSync(services)) {
    let files: Map<string, string>;
    try {
      files = sqlFiles(path.join(services, service, 'sql'));
    } catch {
      continue;
    }
    for (const [name, sql] of files) {
      const file = `server/services/${service}/sql/${name}.sql`;
      assert.ok(!out.has(name), `${name}.sql is in two services (${out.get(name)?.file}, ${file}): a function has one owner`);
      out.set(name, { file, sql });
    }
  }
  return out;
}

const snapshots = () => readdirSync(path.join(root, 'migrations/sql')).filter((d) => /^\d{14}$/.test(d)).sort();

/**
 * How PostgreSQL itself prints each function of the public schema (pg_get_functiondef), and how it
 * prints the same functions created from `files` in a scratch schema — inside a transaction that
 * is rolled back, so the database is left as it was.
 */
async function definitions(files: Map<string, string>): Promise<{ database: Map<string, string>; files: Map<string, string> }> {
  const t = await db().transaction();
  try {
    const scratch = `sql_src_${process.pid}`;
    await db().query(`CREATE SCHEMA ${scratch}`, { transaction: t });
    await db().query(`SET LOCAL search_path TO ${scratch}, public`, { transaction: t });
    // Copies taken from pg_get_functiondef name their schema; create them in the scratch one too.
    for (const sql of files.values()) await db().query(sql.replace(/FUNCTION public\./g, 'FUNCTION '), { transaction: t });
    const rows = await db().query<{ schema: string; name: string; def: string }>(
      `SELECT n.nspname AS schema, p.proname AS name, pg_get_functiondef(p.oid) AS def
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('public', :scratch)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
      { replacements: { scratch }, type: QueryTypes.SELECT, transaction: t },
    );
    const bySchema = (schema: string) =>
      new Map(rows.filter((r) => r.schema === schema).map((r) => [r.name, r.def.replace(`FUNCTION ${schema}.`, 'FUNCTION ')]));
    return { database: bySchema('public'), files: bySchema(scratch) };
  } finally {
    await t.rollback();
  }
}

async function assertDatabaseRuns(files: Map<string, string>, what: string): Promise<void> {
  const { database, files: expected } = await definitions(files);
  assert.deepEqual([...database.keys()].sort(), [...expected.keys()].sort(), `the database's functions are not those of ${what}`);
  for (const [name, def] of expected) assert.equal(database.get(name), def, `the database's ${name} is not the one in ${what}. ${HOW_TO}`);
}

describe('SQL functions: one source file each, loaded by migrations', () => {
  it('the latest migration snapshot is a copy of the source files', () => {
    const latest = snapshots().at(-1)!;
    const copy = sqlFiles(path.join(root, 'migrations/sql', latest));
    const src = sources();
    assert.deepEqual([...copy.keys()].sort(), [...src.keys()].sort(), `migrations/sql/${latest} does not hold one copy per source file. ${HOW_TO}`);
    for (const [name, { file, sql }] of src) {
      assert.equal(copy.get(name), sql, `${file} differs from migrations/sql/${latest}/${name}.sql, so no migration loads it. ${HOW_TO}`);
    }
  });

  it('the migrated database runs exactly the source files', async () => {
    await assertDatabaseRuns(new Map([...sources()].map(([name, { sql }]) => [name, sql])), 'server/services/*/sql');
  });

  it("the latest migration's down restores the previous snapshot exactly, and its up loads the sources again", async () => {
    const [previous, latest] = snapshots().slice(-2);
    const migration = readdirSync(path.join(root, 'migrations')).find((f) => f.startsWith(`${latest}-`))!;
    const { up, down } = createRequire(import.meta.url)(path.join(root, 'migrations', migration)) as Record<'up' | 'down', (qi: unknown) => Promise<void>>;
    const qi = db().getQueryInterface();
    await down(qi);
    try {
      await assertDatabaseRuns(sqlFiles(path.join(root, 'migrations/sql', previous!)), `migrations/sql/${previous}`);
    } finally {
      await up(qi);
    }
    await assertDatabaseRuns(sqlFiles(path.join(root, 'migrations/sql', latest!)), `migrations/sql/${latest}`);
  });
});
