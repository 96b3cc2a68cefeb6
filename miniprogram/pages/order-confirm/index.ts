import { api, ApiError } from '../../api/client';
import { toastError, userMessage } from '../../api/errors';
import { fill, messages } from '../../i18n/index';
import { clock } from '../../lib/clock';
import { formatDate, formatPoints, formatYuan } from '../../lib/format';
import { pay } from '../../lib/platform';

/** The pay button stays disabled at least this long after a tap (防误触: no accidental double payment). */
export const PAY_LOCK_MS = 1000;

interface Shown {
  id: string;
  name: string;
  pointsText: string;
  bonusText: string;
  validityText: string;
  priceText: string;
  discountText: string;
  promotionName: string;
}

/**
 * 订单确认: package, points and their validity, WeChat Pay (fixed), the no-refund
 * notice. 立即支付 creates the order, gets the payment parameters from the server and opens the
 * payment sheet; the server's order status decides success. A cancelled or failed sheet closes the
 * order (also at WeChat).
 */
Component({
  data: {
    t: messages(),
    state: 'loading' as 'loading' | 'ready' | 'error',
    errorText: '',
    packageId: '',
    pkg: null as Shown | null,
    reminder: { on: false, templateId: null as string | null },
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const t = messages();
      this.setData({ t, packageId: query.packageId ?? '' });
      wx.setNavigationBarTitle({ title: t.confirm.title });
      return this.load();
    },
    async load() {
      const t = this.data.t;
      this.setData({ state: 'loading' });
      try {
        const [packages, settings] = await Promise.all([api('get', '/api/packages'), api('get', '/api/user/settings')]);
        const p = packages.find((x) => x.id === this.data.packageId);
        if (!p) throw new ApiError(404, 3404, 'PACKAGE_NOT_AVAILABLE', '');
        this.setData({
          state: 'ready',
          reminder: { on: settings.paymentReminder, templateId: settings.paymentReminderTemplateId },
          pkg: {
            id: p.id,
            name: p.name,
            pointsText: fill(t.common.pointsUnit, { n: formatPoints(p.totalPoints) }),
            bonusText: p.bonusPoints > 0 ? fill(t.confirm.bonusLine, { n: formatPoints(p.bonusPoints) }) : '',
            validityText: fill(t.confirm.validity, { date: formatDate(p.pointsExpireAt) }),
            priceText: fill(t.common.yuan, { amount: formatYuan(p.price) }),
            discountText: p.discount !== '0.00' ? fill(t.confirm.discount, { amount: formatYuan(p.discount) }) : '',
            promotionName: p.promotion?.name ?? '',
          },
        });
      } catch (err) {
        this.setData({ state: 'error', errorText: userMessage(err, t) });
      }
    },
    onClose() {
      wx.navigateBack().catch(() => wx.switchTab({ url: '/pages/buy/index' }));
    },
    async onPay() {
      if (this.data.busy || !this.data.pkg) return;
      this.setData({ busy: true });
      const unlock = clock.wait(PAY_LOCK_MS);
      try {
        await this.payOnce();
      } finally {
        await unlock;
        this.setData({ busy: false });
      }
    },
    async payOnce() {
      const t = this.data.t;
      const { on, templateId } = this.data.reminder;
      // WeChat sends the payment-success message only to users who accepted the template first.
      if (on && templateId) await wx.requestSubscribeMessage({ tmplIds: [templateId] }).catch(() => undefined);
      let orderId = '';
      try {
        const order = await api('post', '/api/orders', { body: { packageId: this.data.packageId } });
        orderId = order.id;
        const { payment } = await api('post', '/api/orders/{id}/pay', { params: { id: orderId } });
        const outcome = await pay(payment, { orderNo: order.orderNo, amount: order.totalAmount });
        if (outcome.kind === 'paid') {
          const status = await api('get', '/api/orders/{id}/status', { params: { id: orderId } }).catch(() => null);
          const page = status?.status === 'paid' ? 'pay-success' : 'pay-pending';
          await wx.redirectTo({ url: `/pages/${page}/index?orderId=${orderId}` });
          return;
        }
        await api('post', '/api/orders/{id}/cancel', { params: { id: orderId } }).catch(() => null);
        const reason = outcome.kind === 'cancelled' ? 'cancelled' : encodeURIComponent(outcome.reason);
        await wx.redirectTo({ url: `/pages/pay-fail/index?packageId=${this.data.packageId}&reason=${reason}` });
      } catch (err) {
        if (orderId) await api('post', '/api/orders/{id}/cancel', { params: { id: orderId } }).catch(() => null);
        toastError(err, t);
      }
    },
  },
});
