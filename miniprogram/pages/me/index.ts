import { api, logout } from '../../api/client';
import { toastError, userMessage } from '../../api/errors';
import { fill, messages } from '../../i18n/index';
import { formatDateTime, formatPoints } from '../../lib/format';

interface Consumption {
  id: string;
  api: string;
  time: string;
  points: string;
}

/**
 * Tab 个人中心 (with the purchase and points records): avatar and nickname (the
 * nickname editable), phone and email "not bound" (binding greyed out for now), the last three
 * consumptions, the last API call, redeem, purchases, the payment reminder, about and agreement,
 * and logout in red at the bottom.
 */
Component({
  data: {
    t: messages(),
    state: 'loading' as 'loading' | 'ready' | 'error',
    errorText: '',
    avatarUrl: '',
    initial: '',
    nickname: '',
    editing: false,
    nicknameDraft: '',
    consumption: [] as Consumption[],
    lastCall: null as { api: string; time: string; ok: boolean; result: string } | null,
    paymentReminder: true,
  },
  methods: {
    onLoad() {
      const t = messages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.tabs.me });
      return this.load();
    },
    onShow() {
      if (this.data.state === 'ready') return this.load(true);
      return Promise.resolve();
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh());
    },
    async load(quiet = false) {
      const t = this.data.t;
      if (!quiet) this.setData({ state: 'loading' });
      try {
        const [user, records, calls, settings] = await Promise.all([
          api('get', '/api/user/me'),
          api('get', '/api/points/records', { query: { type: 'consume', pageSize: 3 } }),
          api('get', '/api/api-calls', { query: { pageSize: 1 } }),
          api('get', '/api/user/settings'),
        ]);
        const nickname = user.nickname || t.home.defaultName;
        const call = calls.items[0];
        this.setData({
          state: 'ready',
          avatarUrl: user.avatarUrl ?? '',
          initial: [...nickname][0] ?? '',
          nickname,
          consumption: records.items.map((r) => ({ id: r.id, api: r.apiName ?? r.memo ?? '', time: formatDateTime(r.createdAt), points: formatPoints(r.pointsChange) })),
          lastCall: call
            ? {
                api: `${call.apiName ?? ''}${call.keyName ? ` · ${call.keyName}` : ''}`,
                time: formatDateTime(call.at),
                ok: call.allowed,
                result: call.allowed ? t.me.callOk : fill(t.me.callRefused, { reason: (call.reason && t.denyReasons[call.reason]) || call.reason || '' }),
              }
            : null,
          paymentReminder: settings.paymentReminder,
        });
      } catch (err) {
        if (quiet) toastError(err, t);
        else this.setData({ state: 'error', errorText: userMessage(err, t) });
      }
    },
    onEdit() {
      this.setData({ editing: true, nicknameDraft: this.data.nickname });
    },
    onCancelEdit() {
      this.setData({ editing: false });
    },
    onNicknameInput(e: WechatMiniprogram.Input) {
      this.setData({ nicknameDraft: e.detail.value });
    },
    async onSaveNickname() {
      const t = this.data.t;
      try {
        const user = await api('patch', '/api/user/me', { body: { nickname: this.data.nicknameDraft } });
        const nickname = user.nickname || t.home.defaultName;
        this.setData({ nickname, initial: [...nickname][0] ?? '', editing: false });
        wx.showToast({ title: t.me.nicknameSaved, icon: 'success' });
      } catch (err) {
        toastError(err, t);
      }
    },
    async onReminder(e: WechatMiniprogram.SwitchChange) {
      const wanted = Boolean(e.detail.value);
      try {
        const settings = await api('patch', '/api/user/settings', { body: { paymentReminder: wanted } });
        this.setData({ paymentReminder: settings.paymentReminder });
      } catch (err) {
        this.setData({ paymentReminder: !wanted });
        toastError(err, this.data.t);
      }
    },
    toConsumption() {
      wx.navigateTo({ url: '/pages/points-records/index?type=consume' });
    },
    toRedeem() {
      wx.navigateTo({ url: '/pages/redeem/index' });
    },
    toOrders() {
      wx.navigateTo({ url: '/pages/orders/index' });
    },
    toArticle(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/article/index?slug=${e.currentTarget.dataset.slug}` });
    },
    async onLogout() {
      const t = this.data.t;
      const { confirm } = await wx.showModal({ title: t.me.logout, content: t.me.logoutConfirm, confirmColor: '#e53935' });
      if (!confirm) return;
      await logout();
      wx.showToast({ title: t.me.loggedOut, icon: 'none' });
      await wx.reLaunch({ url: '/pages/launch/index?loggedOut=1' });
    },
  },
});
