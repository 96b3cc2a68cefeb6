import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CardKey } from '../../server/models/index.js';
import { CODE_PATTERN } from '../../server/services/cardKeys/codes.js';
import { balanceOf, makeWorld, recharge } from '../support/cardKeys.js';

const run = promisify(execFile);

describe('seahorse card-keys:generate', () => {
  it('generates a paid batch and writes it to CSV', async function () {
    this.timeout(60_000);
    const w = await makeWorld('cli');
    await recharge(w.agent.id, '30.00');
    const out = path.join(os.tmpdir(), `seahorse-cli-${process.pid}.csv`);
    try {
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'server/cli/index.ts', 'card-keys:generate', '--agent', 'cli_agent', '--project', 'CLI PROJECT', '--validity', '30天', '--count', '12', '--out', out],
        { env: process.env },
      );
      assert.match(stdout, /Batch #\d+: 12 keys of "cli project" \(30天\) for cli_agent, cost 30\.00/);
      const lines = (await readFile(out, 'utf8')).replace(/^\uFEFF/, '').trim().split('\n');
      assert.equal(lines.length, 13);
      const codes = lines.slice(1).map((l) => l.split(',')[0]!);
      for (const c of codes) assert.match(c, CODE_PATTERN);
      assert.equal(await CardKey.count({ where: { agentId: w.agent.id } }), 12);
      assert.equal(await balanceOf(w.agent.id), '0.00');

      await assert.rejects(
        run(process.execPath, ['--import', 'tsx', 'server/cli/index.ts', 'card-keys:generate', '--agent', 'cli_agent', '--project', 'cli project', '--validity', '30天', '--count', '1'], {
          env: process.env,
        }),
        (err: { code: number; stderr: string }) => err.code === 1 && /额度不足/.test(err.stderr),
      );
    } finally {
      await rm(out, { force: true });
    }
  });
});
