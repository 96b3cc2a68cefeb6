import { fill, messages } from '../../i18n/index';

/** 支付失败: red mark, the reason, 重新支付 / 联系客服; no automatic redirect. */
Component({
  data: { t: messages(), packageId: '', reasonText: '' },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const t = messages();
      const reason = query.reason ? decodeURIComponent(query.reason) : '';
      this.setData({
        t,
        packageId: query.packageId ?? '',
        reasonText: reason === 'cancelled' ? t.payFail.cancelled : fill(t.payFail.reason, { reason: reason || t.payFail.unknownReason }),
      });
      wx.setNavigationBarTitle({ title: t.payFail.title });
    },
    onRetry() {
      if (this.data.packageId) wx.redirectTo({ url: `/pages/order-confirm/index?packageId=${this.data.packageId}` });
      else wx.switchTab({ url: '/pages/buy/index' });
    },
  },
});
