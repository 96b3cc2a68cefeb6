import { api, type Answer } from '../../api/client';
import { toastError, userMessage } from '../../api/errors';
import { fill, messages } from '../../i18n/index';
import { parseWhitelistText } from '../../lib/cidr';
import { formatDate, formatPoints } from '../../lib/format';

type Key = Answer<'/api/v1/api-keys/{id}', 'get'>;

interface Shown {
  id: string;
  prefix: string;
  status: string;
  statusText: string;
  expiresText: string;
  enabled: boolean;
}

/** Key detail: calls and points per day (last 30 days, from the server), rename, enable/disable, scope and whitelist, delete. */
Component({
  data: {
    t: messages(),
    state: 'loading' as 'loading' | 'ready' | 'error',
    errorText: '',
    id: '',
    key: null as Shown | null,
    name: '',
    bars: [] as Array<{ day: string; percent: number }>,
    activeDays: [] as Array<{ day: string; callsText: string; pointsText: string }>,
    firstDay: '',
    lastDay: '',
    totalText: '',
    scopeAll: true,
    apis: [] as Array<{ id: number; name: string; on: boolean }>,
    scopeError: '',
    whitelist: '',
    whitelistError: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const t = messages();
      this.setData({ t, id: query.id ?? '' });
      wx.setNavigationBarTitle({ title: t.keyDetail.title });
      return this.load();
    },
    show(key: Key) {
      const t = this.data.t;
      this.setData({
        key: {
          id: key.id,
          prefix: key.prefix,
          status: key.status,
          statusText: t.keys.statuses[key.status] ?? key.status,
          expiresText: formatDate(key.expiresAt),
          enabled: key.enabled,
        },
        name: key.name,
      });
    },
    async load() {
      const t = this.data.t;
      this.setData({ state: 'loading' });
      try {
        const id = this.data.id;
        const [key, stats, apis] = await Promise.all([
          api('get', '/api/v1/api-keys/{id}', { params: { id } }),
          api('get', '/api/v1/api-keys/{id}/stats', { params: { id } }),
          api('get', '/api/v1/api-keys/apis'),
        ]);
        const peak = Math.max(1, ...stats.days.map((d) => d.calls));
        const chosen = new Set(key.apis.map((a) => a.id));
        this.show(key);
        this.setData({
          state: 'ready',
          bars: stats.days.map((d) => ({ day: d.day, percent: Math.round((d.calls / peak) * 100) })),
          activeDays: stats.days
            .filter((d) => d.calls > 0)
            .reverse()
            .map((d) => ({ day: d.day, callsText: `${t.keyDetail.calls} ${formatPoints(d.calls)}`, pointsText: `${t.keyDetail.points} ${formatPoints(d.points)}` })),
          firstDay: stats.days[0]?.day ?? '',
          lastDay: stats.days[stats.days.length - 1]?.day ?? '',
          totalText: fill(t.keyDetail.total, { calls: formatPoints(stats.totalCalls), points: formatPoints(stats.totalPoints) }),
          scopeAll: key.scopeAll,
          apis: apis.map((a) => ({ id: a.id, name: a.name, on: chosen.has(a.id) })),
          whitelist: key.ipWhitelist.join('\n'),
        });
      } catch (err) {
        this.setData({ state: 'error', errorText: userMessage(err, t) });
      }
    },
    onNameInput(e: WechatMiniprogram.Input) {
      this.setData({ name: e.detail.value });
    },
    async onRename() {
      const t = this.data.t;
      const name = this.data.name.trim();
      if (!name) return wx.showToast({ title: t.keyForm.nameRequired, icon: 'none' });
      if ([...name].length > 20) return wx.showToast({ title: t.keyForm.nameTooLong, icon: 'none' });
      try {
        await api('patch', '/api/v1/api-keys/{id}', { params: { id: this.data.id }, body: { name } });
        wx.showToast({ title: t.keyDetail.renamed, icon: 'success' });
      } catch (err) {
        toastError(err, t);
      }
      return undefined;
    },
    async onToggle(e: WechatMiniprogram.SwitchChange) {
      const t = this.data.t;
      const enabled = Boolean(e.detail.value);
      try {
        await api('patch', '/api/v1/api-keys/{id}', { params: { id: this.data.id }, body: { enabled } });
        this.show(await api('get', '/api/v1/api-keys/{id}', { params: { id: this.data.id } }));
        wx.showToast({ title: enabled ? t.keyDetail.toggledOn : t.keyDetail.toggledOff, icon: 'success' });
      } catch (err) {
        toastError(err, t);
      }
    },
    onScope(e: WechatMiniprogram.TouchEvent) {
      this.setData({ scopeAll: Boolean(e.currentTarget.dataset.all), scopeError: '' });
    },
    onApi(e: WechatMiniprogram.TouchEvent) {
      const id = Number(e.currentTarget.dataset.id);
      this.setData({ apis: this.data.apis.map((a) => (a.id === id ? { ...a, on: !a.on } : a)), scopeError: '' });
    },
    onWhitelist(e: WechatMiniprogram.Input) {
      this.setData({ whitelist: e.detail.value, whitelistError: '' });
    },
    async onSaveAccess() {
      const t = this.data.t;
      const { entries, invalid } = parseWhitelistText(this.data.whitelist);
      const chosen = this.data.apis.filter((a) => a.on).map((a) => a.id);
      const scopeError = !this.data.scopeAll && !chosen.length ? t.keyForm.scopeNone : '';
      const whitelistError = invalid.length ? fill(t.keyForm.whitelistBad, { items: invalid.join('、') }) : '';
      this.setData({ scopeError, whitelistError });
      if (scopeError || whitelistError) return;
      try {
        await api('put', '/api/v1/api-keys/{id}/access', {
          params: { id: this.data.id },
          body: { scopeAll: this.data.scopeAll, apiIds: this.data.scopeAll ? [] : chosen, ipWhitelist: entries },
        });
        wx.showToast({ title: t.keyDetail.accessSaved, icon: 'success' });
      } catch (err) {
        toastError(err, t);
      }
    },
    async onDelete() {
      const t = this.data.t;
      const { confirm } = await wx.showModal({ title: t.keyDetail.delete, content: fill(t.keys.confirmDelete, { n: 1 }), confirmColor: '#e53935' });
      if (!confirm) return;
      try {
        await api('delete', '/api/v1/api-keys/{id}', { params: { id: this.data.id } });
      } catch (err) {
        toastError(err, t);
        return;
      }
      wx.showToast({ title: fill(t.keys.deletedDone, { n: 1 }), icon: 'success' });
      await wx.navigateBack().catch(() => wx.switchTab({ url: '/pages/keys/index' }));
    },
  },
});
