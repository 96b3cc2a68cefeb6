import { api } from '../../api/client';
import { userMessage } from '../../api/errors';
import { fill, messages } from '../../i18n/index';
import { clock } from '../../lib/clock';
import { formatDate, formatPoints, formatYuan } from '../../lib/format';
import { requestKeyForm } from '../../lib/intent';

const COUNTDOWN_SECONDS = 5;
const stops = new WeakMap<object, () => void>();

/** 支付成功: what was paid and received, as the server booked it; home after 5 seconds. */
Component({
  data: {
    t: messages(),
    state: 'loading' as 'loading' | 'ready' | 'error',
    errorText: '',
    orderId: '',
    paidText: '',
    pointsText: '',
    validityText: '',
    countdown: COUNTDOWN_SECONDS,
    countdownText: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const t = messages();
      this.setData({ t, orderId: query.orderId ?? '' });
      wx.setNavigationBarTitle({ title: t.paySuccess.title });
      return this.load();
    },
    onUnload() {
      stops.get(this)?.();
    },
    async load() {
      const t = this.data.t;
      this.setData({ state: 'loading' });
      try {
        const order = await api('get', '/api/orders/{id}', { params: { id: this.data.orderId } });
        this.setData({
          state: 'ready',
          paidText: fill(t.common.yuan, { amount: formatYuan(order.totalAmount) }),
          pointsText: fill(t.common.pointsUnit, { n: formatPoints(order.totalPoints) }),
          validityText: fill(t.paySuccess.validity, { date: formatDate(order.pointsExpireAt) }),
        });
        this.startCountdown();
      } catch (err) {
        this.setData({ state: 'error', errorText: userMessage(err, t) });
      }
    },
    startCountdown() {
      stops.get(this)?.();
      this.setData({ countdown: COUNTDOWN_SECONDS, countdownText: fill(this.data.t.paySuccess.countdown, { n: COUNTDOWN_SECONDS }) });
      stops.set(this, clock.every(1000, () => this.tick()));
    },
    tick() {
      const left = this.data.countdown - 1;
      this.setData({ countdown: left, countdownText: fill(this.data.t.paySuccess.countdown, { n: Math.max(left, 0) }) });
      if (left <= 0) this.toHome();
    },
    toHome() {
      stops.get(this)?.();
      wx.switchTab({ url: '/pages/home/index' });
    },
    toKeys() {
      stops.get(this)?.();
      requestKeyForm();
      wx.switchTab({ url: '/pages/keys/index' });
    },
  },
});
