import assert from 'node:assert/strict';
import { Article, Banner } from '../../../server/models/index.js';
import { startTestServer, type TestServer } from '../../support/http.js';
import { Api } from '../../support/miniApi.js';

describe('home page content: banners, articles, service status', () => {
  let server: TestServer;
  let api: Api;
  let created: { banners: number[]; articles: number[] };
  before(async () => {
    server = await startTestServer();
    api = new Api(server.url);
    const banners = await Banner.bulkCreate([
      { title: '首充优惠', imageUrl: 'https://img.example/1.png', sort: 2, status: 1 },
      { title: '下架的', imageUrl: 'https://img.example/2.png', sort: 1, status: 0 },
      { title: '新品', imageUrl: 'https://img.example/3.png', linkUrl: '/pages/buy', sort: 1, status: 1 },
    ]);
    const now = Date.now();
    const articles = await Article.bulkCreate([
      { kind: 'article', title: '接口文档', content: '正文', status: 'published', publishedAt: new Date(now - 2000) },
      { kind: 'announcement', title: '维护公告', content: '周六维护', status: 'published', publishedAt: new Date(now - 1000) },
      { kind: 'article', title: '草稿', content: '…', status: 'draft' },
      { kind: 'article', title: '定时发布', content: '…', status: 'published', publishedAt: new Date(now + 3_600_000) },
      { kind: 'service_status', title: '图片识别接口临时维护中', content: '预计 1 小时恢复', status: 'published', publishedAt: new Date(now - 500) },
    ]);
    created = { banners: banners.map((b) => b.id), articles: articles.map((a) => a.id) };
  });
  // The service-status notice is global: left published, it would tell every later suite that a service is down.
  after(async () => {
    await Article.destroy({ where: { id: created.articles } });
    await Banner.destroy({ where: { id: created.banners } });
    await server.close();
  });

  it('lists banners that are on, in sort order', async () => {
    const { status, body } = await api.call('GET', '/api/banners');
    assert.equal(status, 200);
    const mine = body.data.map((b: { title: string }) => b.title).filter((t: string) => ['首充优惠', '下架的', '新品'].includes(t));
    assert.deepEqual(mine, ['新品', '首充优惠']);
  });

  it('lists published articles and announcements (newest first), paged, and shows one', async () => {
    const all = await api.call('GET', '/api/articles?pageSize=100');
    const titles = all.body.data.items.map((a: { title: string }) => a.title);
    assert.ok(titles.indexOf('维护公告') < titles.indexOf('接口文档'), 'newest first');
    for (const hidden of ['草稿', '定时发布', '图片识别接口临时维护中']) assert.ok(!titles.includes(hidden), hidden);
    const { body } = await api.call('GET', '/api/articles?pageSize=1&kind=announcement');
    assert.equal(body.data.pageSize, 1);
    assert.equal(body.data.items[0].title, '维护公告');
    assert.equal(body.data.items[0].content, undefined, 'lists carry no body');
    const one = await api.call('GET', `/api/articles/${body.data.items[0].id}`);
    assert.equal(one.body.data.content, '周六维护');
    const draft = await Article.findOne({ where: { title: '草稿' } });
    assert.equal((await api.call('GET', `/api/articles/${draft!.id}`)).status, 404);
  });

  it('shows the service-status notices and a status line per API of the catalog', async () => {
    const { body } = await api.call('GET', '/api/service-status');
    assert.equal(body.data.notices[0].title, '图片识别接口临时维护中');
    assert.ok(['normal', 'degraded', 'maintenance'].includes(body.data.status));
    assert.equal(body.data.degraded, body.data.status !== 'normal');
    assert.ok(Array.isArray(body.data.apis));
  });
});
