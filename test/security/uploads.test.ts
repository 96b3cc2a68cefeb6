import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { db } from '../../server/db/index.js';
import { SystemConfig } from '../../server/models/index.js';
import { systemConfigDefinitions } from '../../server/services/systemConfig/definitions.js';
import { updateSetting } from '../../server/services/systemConfig/systemConfig.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { until } from '../support/until.js';
import { Session, startAdminServer } from './support.js';

const PASSWORD = 'Upload-pass-123';
const FIVE_MB = () => new Blob([new Uint8Array(5 * 1024 * 1024)], { type: 'application/octet-stream' });

/** Issue 11 item 1: nobody fills the disk through /admin: forms are read after login, small, files only where expected. */
describe('security: admin form parsing and uploads', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'seahorse-admin-upload-'));
  let app: Awaited<ReturnType<typeof startAdminServer>>;
  let rootId: number;
  const tmpUploads = () => new Set(readdirSync(os.tmpdir()).filter((f) => f.startsWith('upload_')));
  let existing: Set<string>;

  before(async () => {
    db();
    rootId = (await createAdminUser({ username: 'upload_root', password: PASSWORD, role: 'super_admin' })).id;
    app = await startAdminServer({ UPLOAD_TMP_DIR: dir });
    existing = tmpUploads();
  });
  after(async () => {
    await updateSetting('basic.site_name', systemConfigDefinitions['basic.site_name'].default, { id: rootId, role: 'super_admin' });
    await app.restore();
  });

  // AdminJS's own parser left its files in the OS temp folder as upload_*; ours writes only to UPLOAD_TMP_DIR.
  const nothingKept = async () => {
    await until(() => readdirSync(dir).length === 0, 'the upload folder to be empty');
    assert.deepEqual([...tmpUploads()].filter((f) => !existing.has(f)), []);
  };
  const send = async (s: Session, p: string, form: FormData) => {
    try {
      return (await s.request('POST', p, { body: form })).status;
    } catch {
      return 'connection closed';
    }
  };

  it('a file posted to the login page (or anywhere before login) is refused and nothing is stored', async () => {
    for (const p of ['/admin/login', '/admin/api/resources/banners/actions/new', '/admin/api/resources/system_configs/actions/list']) {
      const form = new FormData();
      form.append('email', 'upload_root');
      form.append('f', FIVE_MB(), 'big.bin');
      const status = await send(new Session(app.server.url), p, form);
      assert.ok(status === 'connection closed' || (status >= 400 && status < 500), `${p}: ${status}`);
    }
    await nothingKept();
  });

  it('after login, files are refused where no upload is expected, and fields are limited', async () => {
    const s = await Session.login(app.server.url, 'upload_root', PASSWORD);
    const withFile = new FormData();
    withFile.append('value', 'Sneaky');
    withFile.append('f', FIVE_MB(), 'big.bin');
    const refused = await send(s, '/admin/api/resources/system_configs/records/basic.site_name/updateSetting', withFile);
    assert.ok(refused === 'connection closed' || refused === 400 || refused === 413, String(refused));
    const huge = new FormData();
    huge.append('value', 'x'.repeat(100 * 1024));
    assert.equal(await send(s, '/admin/api/resources/system_configs/records/basic.site_name/updateSetting', huge), 413);
    assert.notEqual((await SystemConfig.findByPk('basic.site_name'))!.value, 'Sneaky');
    await nothingKept();

    // The admin's own multipart forms (AdminJS sends FormData) still work.
    const normal = new FormData();
    normal.append('value', '上传测试');
    assert.equal(await send(s, '/admin/api/resources/system_configs/records/basic.site_name/updateSetting', normal), 200);
    assert.equal((await SystemConfig.findByPk('basic.site_name'))!.value, '上传测试');
  });
});
