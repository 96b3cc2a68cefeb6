import { api, type Answer } from '../../api/client';
import { toastError, userMessage } from '../../api/errors';
import { fill, messages, type Messages } from '../../i18n/index';
import { formatDateTime, formatPoints, formatYuan } from '../../lib/format';
import { hasMore, PAGE_SIZE, pageLoaded, type Paging } from '../../lib/pager';

type Order = Answer<'/api/orders', 'get'>['items'][number];
interface Row {
  id: string;
  name: string;
  status: string;
  statusText: string;
  time: string;
  pointsText: string;
  amountText: string;
  orderNoText: string;
}

const row = (o: Order, t: Messages): Row => ({
  id: o.id,
  name: o.description ?? o.orderNo,
  status: o.status,
  statusText: t.orders.statuses[o.status] ?? o.status,
  time: formatDateTime(o.createdAt),
  pointsText: fill(t.orders.pointsLine, { n: formatPoints(o.totalPoints) }),
  amountText: fill(t.common.yuan, { amount: formatYuan(o.totalAmount) }),
  orderNoText: fill(t.orders.orderNo, { no: o.orderNo }),
});

/** 购买记录: the user's orders with their status, newest first, paginated, pull to refresh. */
Component({
  data: {
    t: messages(),
    state: 'loading' as 'loading' | 'ready' | 'empty' | 'error',
    errorText: '',
    items: [] as Row[],
    paging: { page: 0, total: 0, loaded: 0 } as Paging,
    more: false,
  },
  methods: {
    onLoad() {
      const t = messages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.orders.title });
      return this.reload();
    },
    onPullDownRefresh() {
      return this.reload().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      return this.loadMore();
    },
    async reload() {
      this.setData({ state: 'loading', items: [], paging: { page: 0, total: 0, loaded: 0 } });
      try {
        await this.fetchPage(1);
      } catch (err) {
        this.setData({ state: 'error', errorText: userMessage(err, this.data.t) });
      }
    },
    async loadMore() {
      if (!hasMore(this.data.paging)) return;
      try {
        await this.fetchPage(this.data.paging.page + 1);
      } catch (err) {
        toastError(err, this.data.t);
      }
    },
    async fetchPage(page: number) {
      const answer = await api('get', '/api/orders', { query: { page, pageSize: PAGE_SIZE } });
      this.setData(pageLoaded(page, this.data.items, answer.total, answer.items.map((o) => row(o, this.data.t))));
    },
  },
});
