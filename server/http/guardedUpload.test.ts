import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { config, setConfig } from '../config.js';
import { until } from '../../test/support/until.js';
import { guardedUpload } from './guardedUpload.js';

describe('guardedUpload', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'seahorse-upload-test-'));
  const previous = config();
  let server: Server;
  let url: string;
  const seen: Array<{ path: string; existed: boolean; size: number }> = [];

  before(async () => {
    setConfig({ ...previous, UPLOAD_TMP_DIR: dir });
    const app = express();
    app.post('/banner', guardedUpload([{ field: 'image', maxBytes: 10_000, mimeTypes: ['image/png'] }]), (req, res) => {
      const file = (req as unknown as { files: Record<string, { path: string; size: number }> }).files.image;
      if (file) seen.push({ path: file.path, existed: existsSync(file.path), size: file.size });
      res.json({ fields: (req as unknown as { fields: unknown }).fields });
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/banner`;
  });
  after(() => {
    setConfig(previous);
    server.close();
  });

  const post = (build: (f: FormData) => void) => {
    const form = new FormData();
    build(form);
    return fetch(url, { method: 'POST', body: form });
  };
  const png = (bytes: number) => new Blob([new Uint8Array(bytes)], { type: 'image/png' });
  const empty = () => until(() => readdirSync(dir).length === 0, 'the upload folder to be empty');

  it('hands the expected file to the handler and deletes it when the response ends', async () => {
    const res = await post((f) => {
      f.append('title', '春季');
      f.append('image', png(5000), 'a.png');
    });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { fields: unknown }).fields, { title: '春季' });
    assert.equal(seen.at(-1)?.existed, true);
    assert.equal(seen.at(-1)?.size, 5000);
    await empty();
    assert.equal(existsSync(seen.at(-1)!.path), false);
  });

  it('refuses a file over its limit, of another type, in another field, or too many fields, and keeps nothing', async () => {
    const cases: Array<[number, (f: FormData) => void]> = [
      [413, (f) => f.append('image', png(200_000), 'big.png')],
      [415, (f) => f.append('image', new Blob(['<svg/>'], { type: 'image/svg+xml' }), 'x.svg')],
      [400, (f) => f.append('other', png(10), 'a.png')],
      [413, (f) => f.append('note', 'x'.repeat(70 * 1024))],
      [413, (f) => (f.append('image', png(10), 'a.png'), f.append('image', png(10), 'b.png'))],
    ];
    for (const [status, build] of cases) {
      const res = await post(build);
      assert.equal(res.status, status);
    }
    await empty();
  });
});
