import { api } from '../../api/client';
import { toastError, userMessage } from '../../api/errors';
import type { StatusLine } from '../../components/service-status/index';
import { fill, messages } from '../../i18n/index';
import { formatPoints, formatYuan } from '../../lib/format';
import { requestKeyForm } from '../../lib/intent';

type State = 'loading' | 'ready' | 'error';

/** Tab 首页: nickname and balance, three entry cards, the service-status notice, a floating bar. */
Component({
  data: {
    t: messages(),
    state: 'loading' as State,
    errorText: '',
    greeting: '',
    balanceText: '',
    hotText: '',
    keysText: '',
    statusLines: [] as StatusLine[],
    statusProblem: '',
  },
  methods: {
    onLoad() {
      const t = messages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.tabs.home });
      return this.load();
    },
    onShow() {
      // Back from buying or creating a key: the figures may have changed.
      if (this.data.state === 'ready') return this.load(true);
      return Promise.resolve();
    },
    onPullDownRefresh() {
      return this.load(true).then(() => wx.stopPullDownRefresh());
    },
    async load(quiet = false) {
      const t = this.data.t;
      if (!quiet) this.setData({ state: 'loading' });
      try {
        const [user, packages, keys, status] = await Promise.all([
          api('get', '/api/user/me'),
          api('get', '/api/packages'),
          api('get', '/api/v1/api-keys', { query: { status: 'active', pageSize: 1 } }),
          api('get', '/api/service-status'),
        ]);
        const hot = packages.find((p) => p.isHot) ?? null;
        // One line per API (red unless normal), then the published notices (informational).
        const apiLines: StatusLine[] = status.apis.map((a) => ({
          key: `api-${a.name}`,
          name: a.description || a.name,
          text: a.message ?? (a.automatic ? t.status.automatic : ''),
          level: a.status === 'normal' ? 'ok' : a.status === 'maintenance' ? 'down' : 'warning',
          levelText: a.status === 'normal' ? t.status.ok : t.status[a.status],
        }));
        const noticeLines: StatusLine[] = status.notices.map((n) => ({ key: `notice-${n.id}`, name: n.title, text: n.summary ?? n.content ?? '', level: 'ok', levelText: t.status.notice }));
        const lines = [...apiLines, ...noticeLines];
        const problems = apiLines.filter((l) => l.level !== 'ok').length;
        this.setData({
          state: 'ready',
          greeting: fill(t.home.greeting, { name: user.nickname || t.home.defaultName }),
          balanceText: formatPoints(user.totalPoints),
          hotText: hot ? fill(t.home.buyHot, { price: formatYuan(hot.price), points: formatPoints(hot.totalPoints) }) : t.home.buyNone,
          keysText: keys.total > 0 ? fill(t.home.keysInUse, { n: keys.total }) : t.home.keysNone,
          statusLines: lines,
          statusProblem: fill(t.home.statusProblem, { n: problems }),
        });
      } catch (err) {
        if (quiet) toastError(err, t);
        else this.setData({ state: 'error', errorText: userMessage(err, t) });
      }
    },
    async onRefresh() {
      try {
        const user = await api('get', '/api/user/me');
        this.setData({ balanceText: formatPoints(user.totalPoints) });
        wx.showToast({ title: this.data.t.home.refreshed, icon: 'success' });
      } catch (err) {
        toastError(err, this.data.t);
      }
    },
    toBuy() {
      wx.switchTab({ url: '/pages/buy/index' });
    },
    toKeys() {
      wx.switchTab({ url: '/pages/keys/index' });
    },
    toCreateKey() {
      requestKeyForm();
      wx.switchTab({ url: '/pages/keys/index' });
    },
    toDocs() {
      wx.navigateTo({ url: '/pages/docs/index' });
    },
  },
});
