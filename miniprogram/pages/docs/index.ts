import { api } from '../../api/client';
import { userMessage } from '../../api/errors';
import { fill, messages } from '../../i18n/index';

/** 文档中心: the APIs a key can call and their price per call (the server's catalog), and the integration guide. */
Component({
  data: {
    t: messages(),
    state: 'loading' as 'loading' | 'ready' | 'empty' | 'error',
    errorText: '',
    apis: [] as Array<{ id: number; name: string; path: string; description: string; priceText: string }>,
  },
  methods: {
    onLoad() {
      const t = messages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.docs.title });
      return this.load();
    },
    async load() {
      const t = this.data.t;
      this.setData({ state: 'loading' });
      try {
        const apis = await api('get', '/api/v1/api-keys/apis');
        this.setData({
          state: apis.length ? 'ready' : 'empty',
          apis: apis.map((a) => ({ id: a.id, name: a.name, path: a.path, description: a.description ?? '', priceText: fill(t.docs.perCall, { n: a.pointsPerCall }) })),
        });
      } catch (err) {
        this.setData({ state: 'error', errorText: userMessage(err, t) });
      }
    },
    toGuide(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/article/index?slug=${e.currentTarget.dataset.slug}` });
    },
  },
});
