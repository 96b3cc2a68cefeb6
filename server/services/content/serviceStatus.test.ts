import assert from 'node:assert/strict';
import { Op } from 'sequelize';
import { ApiCallLog, ApiCatalogEntry, Article } from '../../models/index.js';
import { updateApiCatalogEntry } from '../apiKeys/catalog.js';
import { updateSetting } from '../systemConfig/systemConfig.js';
import { createAdminUser } from '../identity/createAdminUser.js';
import { getServiceStatus } from './serviceStatus.js';

let root: { id: number; role: 'super_admin'; parentId: null };

/** Only this suite's APIs are on while a test runs (other suites share the database); all put back after. */
async function withOwnCatalog<T>(work: (apis: Record<'ocr' | 'tts' | 'img', ApiCatalogEntry>) => Promise<T>): Promise<T> {
  const active = await ApiCatalogEntry.findAll({ where: { status: 1 }, attributes: ['id'] });
  await ApiCatalogEntry.update({ status: 0 }, { where: { id: { [Op.in]: active.map((a) => a.id) } } });
  const tag = Math.random().toString(36).slice(2, 8);
  const apis = {
    ocr: await ApiCatalogEntry.create({ name: `st.ocr.${tag}`, path: `/v1/ocr/${tag}`, pointsPerCall: 1, description: '文字识别' }),
    tts: await ApiCatalogEntry.create({ name: `st.tts.${tag}`, path: `/v1/tts/${tag}`, pointsPerCall: 1 }),
    img: await ApiCatalogEntry.create({ name: `st.img.${tag}`, path: `/v1/img/${tag}`, pointsPerCall: 1 }),
  };
  try {
    return await work(apis);
  } finally {
    await ApiCatalogEntry.destroy({ where: { id: Object.values(apis).map((a) => a.id) } });
    await ApiCatalogEntry.update({ status: 1 }, { where: { id: { [Op.in]: active.map((a) => a.id) } } });
  }
}

async function calls(apiName: string, ok: number, refused: number, failed: number, at = new Date()): Promise<void> {
  const row = (errorCode: string | null, status: number) => ({ method: 'POST', path: '/open/v1/metering/charge', status, durationMs: 3, apiName, errorCode, createdAt: at });
  await ApiCallLog.bulkCreate([
    ...Array.from({ length: ok }, () => row(null, 200)),
    ...Array.from({ length: refused }, () => row('INSUFFICIENT_POINTS', 200)),
    ...Array.from({ length: failed }, () => row(null, 503)),
  ]);
}

describe('service status per API (set by the super admin, or degraded automatically)', () => {
  before(async () => {
    const user = await createAdminUser({ username: `status_root_${Math.random().toString(36).slice(2, 8)}`, password: 'Seahorse123', role: 'super_admin' });
    root = { id: user.id, role: 'super_admin', parentId: null };
  });

  it('a published notice alone (the demo\'s "所有 API 运行正常") is not a problem', async () => {
    const notice = await Article.create({ kind: 'service_status', title: '所有 API 运行正常', content: '…', status: 'published', publishedAt: new Date(Date.now() - 1000) });
    try {
      await withOwnCatalog(async (apis) => {
        const s = await getServiceStatus();
        assert.equal(s.status, 'normal');
        assert.equal(s.degraded, false);
        assert.deepEqual(s.apis.map((a) => a.status), ['normal', 'normal', 'normal']);
        assert.equal(s.apis.find((a) => a.name === apis.ocr.name)!.description, '文字识别');
        assert.ok(s.notices.some((n) => n.title === '所有 API 运行正常'), 'the notice is still shown');
      });
    } finally {
      await notice.destroy();
    }
  });

  it('the super admin sets degraded or maintenance with a message; overall follows the APIs', async () => {
    await withOwnCatalog(async (apis) => {
      await updateApiCatalogEntry(root, apis.ocr.id, { serviceStatus: 'maintenance', serviceMessage: '预计 30 分钟恢复' });
      let s = await getServiceStatus();
      assert.equal(s.status, 'degraded');
      const ocr = s.apis.find((a) => a.name === apis.ocr.name)!;
      assert.deepEqual([ocr.status, ocr.message, ocr.automatic], ['maintenance', '预计 30 分钟恢复', false]);
      for (const a of [apis.tts, apis.img]) await updateApiCatalogEntry(root, a.id, { serviceStatus: 'maintenance' });
      s = await getServiceStatus();
      assert.equal(s.status, 'maintenance', 'every API in maintenance');
      for (const a of Object.values(apis)) await updateApiCatalogEntry(root, a.id, { serviceStatus: 'normal', serviceMessage: '' });
      assert.equal((await getServiceStatus()).status, 'normal');
      await assert.rejects(updateApiCatalogEntry(root, apis.ocr.id, { serviceStatus: 'broken' }), /服务状态/);
    });
  });

  it('failed or refused charges over the threshold make an API degraded automatically, and only while they last', async () => {
    await withOwnCatalog(async (apis) => {
      // Defaults: at least 20 calls in 10 minutes, at least 50 % failed or refused.
      await calls(apis.ocr.name, 10, 6, 4); // 20 calls, 10 bad → degraded
      await calls(apis.tts.name, 11, 5, 4); // 20 calls, 9 bad → normal
      await calls(apis.img.name, 0, 19, 0); // 19 calls → too few to judge
      await calls(apis.tts.name, 0, 30, 0, new Date(Date.now() - 11 * 60_000)); // outside the window
      const s = await getServiceStatus();
      const by = (name: string) => s.apis.find((a) => a.name === name)!;
      assert.deepEqual([by(apis.ocr.name).status, by(apis.ocr.name).automatic], ['degraded', true]);
      assert.equal(by(apis.tts.name).status, 'normal');
      assert.equal(by(apis.img.name).status, 'normal');
      assert.equal(s.status, 'degraded');
      // Thresholds are settings.
      await updateSetting('points.service_degraded_min_calls', 19, root);
      try {
        assert.equal((await getServiceStatus()).apis.find((a) => a.name === apis.img.name)!.status, 'degraded');
      } finally {
        await updateSetting('points.service_degraded_min_calls', 20, root);
      }
      // Later, the window has moved past the failures.
      const later = await getServiceStatus(new Date(Date.now() + 11 * 60_000));
      assert.equal(later.apis.find((a) => a.name === apis.ocr.name)!.status, 'normal');
      // A status the super admin set wins over the automatic one, with its message.
      await updateApiCatalogEntry(root, apis.ocr.id, { serviceStatus: 'maintenance', serviceMessage: '升级中' });
      const set = (await getServiceStatus()).apis.find((a) => a.name === apis.ocr.name)!;
      assert.deepEqual([set.status, set.message, set.automatic], ['maintenance', '升级中', false]);
    });
  });
});
