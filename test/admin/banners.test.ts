import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { mountAdminWith } from '../../admin/mount.js';
import { config } from '../../server/config.js';
import { Banner, OperationLog } from '../../server/models/index.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { truncateAll } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { demoJpg, demoPng, noisyPng } from '../support/images.js';
import { AdminClient, isRefused, postMultipart } from './client.js';

const PASSWORD = 'Seahorse123';
const NEW = '/admin/api/resources/banners/actions/new';
const edit = (id: number | string) => `/admin/api/resources/banners/records/${id}/edit`;

function form(fields: Record<string, string>, file?: { bytes: Buffer; name: string; type: string }): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  if (file) f.append('imageFile', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return f;
}

describe('banner images: uploaded through the admin, checked by content, served from /uploads/', function () {
  this.timeout(60_000);
  let server: TestServer;
  let superadmin: AdminClient;
  let agentadmin: AdminClient;
  const storedFiles = () => {
    const dir = path.resolve(config().UPLOAD_DIR, 'banners');
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  };

  before(async () => {
    await truncateAll();
    await createAdminUser({ username: 'superadmin', password: PASSWORD, role: 'super_admin' });
    await createAdminUser({ username: 'agentadmin1', password: PASSWORD, role: 'agent_admin' });
    server = await startTestServer({ mountAdmin: async (app) => void (await mountAdminWith(app, { assets: 'dev' })) });
    superadmin = await AdminClient.login(server.url, 'superadmin', PASSWORD);
    agentadmin = await AdminClient.login(server.url, 'agentadmin1', PASSWORD);
  });

  after(async () => {
    await server?.close();
  });

  const upload = (fields: Record<string, string>, file?: { bytes: Buffer; name: string; type: string }, path = NEW, who = () => superadmin) =>
    postMultipart(who(), server.url, path, form(fields, file));

  for (const [label, bytes, name, mime] of [
    ['a real JPG', demoJpg, 'welcome.jpg', 'image/jpeg'],
    ['a real PNG', demoPng, 'bonus.png', 'image/png'],
  ] as const) {
    it(`${label} is stored and served with its type, nosniff and a long cache`, async () => {
      const res = await upload({ title: label, linkUrl: '/pages/buy/index', sort: '3', status: '1' }, { bytes: bytes(), name, type: 'application/octet-stream' });
      assert.equal(res.body.notice?.type, 'success', JSON.stringify(res.body).slice(0, 400));
      const banner = (await Banner.findOne({ where: { title: label } }))!;
      assert.equal(banner.imageMime, mime, 'judged by content, not by the browser type');
      assert.equal(banner.imageSize, bytes().length);
      assert.equal(banner.sort, 3);
      assert.match(banner.imageUrl, /^\/uploads\/banners\/[0-9a-f-]{36}\.(jpg|png)$/);
      const served = await fetch(server.url + banner.imageUrl);
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), mime);
      assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
      assert.match(served.headers.get('cache-control') ?? '', /max-age=31536000/);
      assert.ok(Buffer.from(await served.arrayBuffer()).equals(bytes()));
      const log = await OperationLog.findOne({ where: { resource: 'banners', recordId: String(banner.id), action: 'banner.create' } });
      assert.equal((log!.after as { imageUrl: string }).imageUrl, banner.imageUrl);
      const listed = (await (await fetch(`${server.url}/api/banners`)).json()) as { data: Array<{ id: number; imageUrl: string }> };
      assert.equal(listed.data.find((b) => b.id === banner.id)?.imageUrl, banner.imageUrl);
    });
  }

  it('refuses a 2.1 MB PNG, a text file named .png and an SVG, storing nothing', async () => {
    const big = noisyPng(860, 860);
    assert.ok(big.length > 2.1 * 1024 * 1024 && big.length < 2.3 * 1024 * 1024, String(big.length));
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="750" height="300"><script>alert(1)</script></svg>');
    const files: Array<[string, { bytes: Buffer; name: string; type: string }, RegExp]> = [
      ['2.1 MB PNG', { bytes: big, name: 'big.png', type: 'image/png' }, /2 MB/],
      ['text named .png', { bytes: Buffer.from('hello, I am not a picture\n'), name: 'fake.png', type: 'image/png' }, /JPG 或 PNG/],
      ['SVG', { bytes: svg, name: 'vector.svg', type: 'image/svg+xml' }, /JPG 或 PNG/],
      ['SVG named .png', { bytes: svg, name: 'vector.png', type: 'image/png' }, /JPG 或 PNG/],
      ['PNG magic with a broken header', { bytes: Buffer.concat([demoPng().subarray(0, 8), Buffer.from('garbage garbage garbage')]), name: 'broken.png', type: 'image/png' }, /JPG 或 PNG/],
    ];
    const filesBefore = storedFiles();
    const rows = await Banner.count();
    for (const [label, file, message] of files) {
      const res = await upload({ title: label }, file);
      assert.equal(res.status, 200, label);
      assert.equal(res.body.notice?.type, 'error', `${label}: ${JSON.stringify(res.body).slice(0, 300)}`);
      assert.match(res.body.notice!.message, message, label);
    }
    assert.equal(await Banner.count(), rows);
    assert.deepEqual(storedFiles(), filesBefore);
    const missing = await upload({ title: 'no image' });
    assert.match(missing.body.notice?.message ?? '', /请上传横幅图片/);
  });

  it('links are https or a mini-program page, never javascript: or http:', async () => {
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', 'http://example.com/', 'data:text/html,hi', '//evil.example/x', 'pages/../../x']) {
      const res = await upload({ title: `bad ${bad}`, linkUrl: bad }, { bytes: demoPng(), name: 'a.png', type: 'image/png' });
      assert.equal(res.body.notice?.type, 'error', `${bad}: ${JSON.stringify(res.body).slice(0, 300)}`);
      assert.match(res.body.notice!.message, /https:\/\/|页面路径/);
    }
    for (const good of ['https://example.com/promo?x=1', '/pages/buy/index', 'pages/article/index?id=3']) {
      const res = await upload({ title: `good ${good}`, linkUrl: good }, { bytes: demoPng(), name: 'a.png', type: 'image/png' });
      assert.equal(res.body.notice?.type, 'success', `${good}: ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  });

  it('editing keeps the image unless a new one is sent; a replaced image file is removed', async () => {
    const banner = (await Banner.findOne({ where: { title: 'a real JPG' } }))!;
    const oldUrl = banner.imageUrl;
    const keep = await upload({ title: '改名', sort: '9' }, undefined, edit(banner.id));
    assert.equal(keep.body.notice?.type, 'success', JSON.stringify(keep.body).slice(0, 300));
    await banner.reload();
    assert.equal(banner.imageUrl, oldUrl);
    assert.equal(banner.title, '改名');
    const swap = await upload({}, { bytes: demoPng(), name: 'new.png', type: 'image/png' }, edit(banner.id));
    assert.equal(swap.body.notice?.type, 'success', JSON.stringify(swap.body).slice(0, 300));
    await banner.reload();
    assert.notEqual(banner.imageUrl, oldUrl);
    assert.equal(banner.imageMime, 'image/png');
    assert.equal((await fetch(server.url + oldUrl)).status, 404, 'the old file is gone');
    assert.equal((await fetch(server.url + banner.imageUrl)).status, 200);
  });

  it('other roles cannot upload or edit banners', async () => {
    const rows = await Banner.count();
    const res = await upload({ title: 'by agent admin' }, { bytes: demoPng(), name: 'a.png', type: 'image/png' }, NEW, () => agentadmin);
    assert.ok(isRefused(res), JSON.stringify(res.body).slice(0, 300));
    assert.equal(await Banner.count(), rows);
    const any = (await Banner.findOne())!;
    const e = await upload({ title: 'hijack' }, undefined, edit(any.id), () => agentadmin);
    assert.ok(isRefused(e));
    assert.notEqual((await any.reload()).title, 'hijack');
  });

  it('/uploads/ serves only stored image types (no listing, no traversal)', async () => {
    for (const p of ['/uploads/', '/uploads/banners/', '/uploads/../package.json', '/uploads/banners/x.svg', '/uploads/%2e%2e/package.json']) {
      const res = await fetch(server.url + p);
      assert.ok(res.status === 404 || res.status === 403 || res.status === 400, `${p}: ${res.status}`);
    }
  });
});
