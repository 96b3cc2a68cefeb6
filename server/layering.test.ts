import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './lib/paths.js';

const root = projectRoot();
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [file] : [];
  });
}

const imports = new Map<string, string[]>();

/** The repository files a module imports (relative specifiers; `.js` in an import names the `.ts` source). */
function importsOf(file: string): string[] {
  const known = imports.get(file);
  if (known) return known;
  const out: string[] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), spec);
    const found = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base, path.join(base, 'index.ts')].find(
      (f) => existsSync(f) && statSync(f).isFile(),
    );
    if (found) out.push(found);
  }
  imports.set(file, out);
  return out;
}

/** The first chain of imports from `start` that reaches a file under `forbidden`, if any. */
function chainInto(start: string, forbidden: string): string[] | undefined {
  const seen = new Set([start]);
  const queue: string[][] = [[start]];
  while (queue.length) {
    const chain = queue.shift()!;
    for (const next of importsOf(chain[chain.length - 1]!)) {
      if (next.startsWith(forbidden)) return [...chain, next];
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push([...chain, next]);
    }
  }
  return undefined;
}

describe('layering', () => {
  it('nothing under server/services or server/routes imports worker/, directly or through other modules', () => {
    const worker = path.join(root, 'worker') + path.sep;
    const offenders: string[] = [];
    for (const file of [...sourceFiles(path.join(root, 'server/services')), ...sourceFiles(path.join(root, 'server/routes'))]) {
      const chain = chainInto(file, worker);
      if (chain) offenders.push(chain.map((f) => path.relative(root, f)).join(' → '));
    }
    assert.deepEqual(offenders, [], 'services and routes queue jobs through their handles (server/queues), never through worker/');
  });

  it('finds an import of worker/ when there is one (the check above can fail)', () => {
    const cli = path.join(root, 'server/cli/commands/job.ts');
    assert.deepEqual(chainInto(cli, path.join(root, 'worker') + path.sep)?.map((f) => path.relative(root, f)), [
      'server/cli/commands/job.ts',
      'worker/index.ts',
    ]);
  });
});
