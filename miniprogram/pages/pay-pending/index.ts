import { api } from '../../api/client';
import { userMessage } from '../../api/errors';
import { messages } from '../../i18n/index';
import { clock } from '../../lib/clock';

/**
 * Waits between status checks (ms): quick at first, then backing off, about 30 s in all. The
 * server asks WeChat itself for an order left pending, so a lost notification still ends here.
 */
export const POLL_BACKOFF_MS = [1000, 1000, 2000, 3000, 5000, 8000, 10000];
const running = new WeakMap<object, { stopped: boolean }>();

/** 支付处理中: polls the order with backoff → success or failure page, else "check again later". */
Component({
  data: { t: messages(), state: 'polling' as 'polling' | 'later' | 'error', errorText: '', orderId: '' },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const t = messages();
      this.setData({ t, orderId: query.orderId ?? '' });
      wx.setNavigationBarTitle({ title: t.payPending.title });
      return this.poll();
    },
    onUnload() {
      const run = running.get(this);
      if (run) run.stopped = true;
    },
    async poll() {
      const previous = running.get(this);
      if (previous) previous.stopped = true;
      const run = { stopped: false };
      running.set(this, run);
      this.setData({ state: 'polling' });
      try {
        for (const delay of [0, ...POLL_BACKOFF_MS]) {
          if (delay) await clock.wait(delay);
          if (run.stopped) return;
          const order = await api('get', '/api/orders/{id}/status', { params: { id: this.data.orderId } });
          if (run.stopped) return;
          if (order.status === 'paid') {
            await wx.redirectTo({ url: `/pages/pay-success/index?orderId=${order.id}` });
            return;
          }
          if (order.status !== 'pending') {
            await wx.redirectTo({ url: `/pages/pay-fail/index?packageId=${order.packageId ?? ''}` });
            return;
          }
        }
        this.setData({ state: 'later' });
      } catch (err) {
        if (!run.stopped) this.setData({ state: 'error', errorText: userMessage(err, this.data.t) });
      }
    },
    toOrders() {
      wx.redirectTo({ url: '/pages/orders/index' });
    },
    toHome() {
      wx.switchTab({ url: '/pages/home/index' });
    },
  },
});
