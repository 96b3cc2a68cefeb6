import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig } from '../../server/config.js';
import { projectRoot } from '../../server/lib/paths.js';

describe('.env.example', () => {
  const example = readFileSync(path.join(projectRoot(), '.env.example'), 'utf8');

  it('names every variable server/config.ts reads', () => {
    const source = readFileSync(path.join(projectRoot(), 'server', 'config.ts'), 'utf8');
    const schemaBody = source.slice(source.indexOf('const schema = z.object({'), source.indexOf('\n});', source.indexOf('const schema = z.object({')));
    const variables = [...schemaBody.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    assert.ok(variables.length > 20);
    const missing = variables.filter((v) => !new RegExp(`^#? ?${v}=`, 'm').test(example));
    assert.deepEqual(missing, []);
  });

  it('is a valid development configuration as written', () => {
    const parsed = dotenv.parse(example);
    assert.doesNotThrow(() => loadConfig(parsed));
  });
});
