import { api, type Answer } from '../../api/client';
import { toastError, userMessage } from '../../api/errors';
import { fill, messages, type Messages } from '../../i18n/index';
import { formatDateTime, formatPoints } from '../../lib/format';
import { hasMore, PAGE_SIZE, pageLoaded, type Paging } from '../../lib/pager';

type Item = Answer<'/api/points/records', 'get'>['items'][number];
const TYPES = ['purchase', 'consume', 'expire', 'redeem', 'admin_adjust', 'refund'] as const;
type RecordType = (typeof TYPES)[number];

interface Row {
  id: string;
  label: string;
  positive: boolean;
  changeText: string;
  time: string;
  balanceText: string;
}

function row(r: Item, t: Messages): Row {
  const kind = t.records.types[r.type] ?? r.type;
  const what = r.apiName ?? r.memo;
  return {
    id: r.id,
    label: what ? `${kind} · ${what}` : kind,
    positive: r.pointsChange > 0,
    changeText: `${r.pointsChange > 0 ? '+' : ''}${formatPoints(r.pointsChange)}`,
    time: formatDateTime(r.createdAt),
    balanceText: fill(t.records.balanceAfter, { n: formatPoints(r.remainingPoints) }),
  };
}

/** 积分记录: every points change (purchase, consume, expire, redeem, adjust, refund), filterable, paginated. */
Component({
  data: {
    t: messages(),
    state: 'loading' as 'loading' | 'ready' | 'empty' | 'error',
    errorText: '',
    type: '',
    types: [] as Array<{ value: string; label: string }>,
    items: [] as Row[],
    paging: { page: 0, total: 0, loaded: 0 } as Paging,
    more: false,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const t = messages();
      const type = (TYPES as readonly string[]).includes(query.type ?? '') ? query.type! : '';
      this.setData({ t, type, types: [{ value: '', label: t.records.types.all! }, ...TYPES.map((v) => ({ value: v, label: t.records.types[v]! }))] });
      wx.setNavigationBarTitle({ title: t.records.title });
      return this.reload();
    },
    onPullDownRefresh() {
      return this.reload().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      return this.loadMore();
    },
    onFilter(e: WechatMiniprogram.TouchEvent) {
      this.setData({ type: String(e.currentTarget.dataset.value ?? '') });
      return this.reload();
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
      const type = (this.data.type || undefined) as RecordType | undefined;
      const answer = await api('get', '/api/points/records', { query: { page, pageSize: PAGE_SIZE, type } });
      this.setData(pageLoaded(page, this.data.items, answer.total, answer.items.map((r) => row(r, this.data.t))));
    },
  },
});
