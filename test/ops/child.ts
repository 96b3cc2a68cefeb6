import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../server/lib/paths.js';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The real entry file (TypeScript, through tsx) in a child process, with this run's environment plus `env`. */
export function startEntry(entry: string, args: string[], env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), entry), ...args], {
    cwd: projectRoot(),
    // SMTP_URL present but empty: unset for the config, and a developer's .env cannot fill it in.
    env: { ...process.env, NODE_OPTIONS: '', SMTP_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess): { output: () => { stdout: string; stderr: string }; done: Promise<ChildResult> } {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { output: () => ({ stdout, stderr }), done };
}

export function runEntry(entry: string, args: string[], env: Record<string, string | undefined> = {}): Promise<ChildResult> {
  return collect(startEntry(entry, args, env)).done;
}

export const runCli = (args: string[], env: Record<string, string | undefined> = {}) => runEntry('server/cli/index.ts', args, env);

/** A TCP port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export { until } from '../support/until.js';

export const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;
