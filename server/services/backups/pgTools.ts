import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * pg_dump / pg_restore of the server's major version: /usr/lib/postgresql/<major>/bin when present
 * (Debian keeps one folder per version), else whatever is on PATH.
 */
export async function pgBinary(url: string, tool: 'pg_dump' | 'pg_restore'): Promise<string> {
  const client = new pg.Client({ connectionString: withDatabase(url, databaseName(url)) });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>('SHOW server_version_num');
    const major = Math.floor(Number(rows[0]!.v) / 10_000);
    const candidate = path.join('/usr/lib/postgresql', String(major), 'bin', tool);
    return existsSync(candidate) ? candidate : tool;
  } finally {
    await client.end();
  }
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/**
 * Connection arguments and environment for a libpq tool: the password goes in PGPASSWORD, never
 * on the command line (where `ps` would show it).
 */
export function libpqConnection(url: string, database = databaseName(url)): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const args = ['--host', u.hostname || '127.0.0.1', '--port', u.port || '5432', '--dbname', database, '--no-password'];
  if (u.username) args.push('--username', decodeURIComponent(u.username));
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  else delete env.PGPASSWORD;
  return { args, env };
}

/** Spawns a tool and keeps the last 4 KB of its stderr for the error message. */
export function spawnTool(bin: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4096);
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(bin)} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no message'}`));
    });
  });
  exited.catch(() => undefined);
  return { child, exited };
}

/** Tables of the public schema (what every backup's table of contents must hold). */
export async function publicTables(url: string, database = databaseName(url)): Promise<string[]> {
  const client = new pg.Client({ connectionString: withDatabase(url, database) });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    return rows.map((r) => r.t);
  } finally {
    await client.end();
  }
}
