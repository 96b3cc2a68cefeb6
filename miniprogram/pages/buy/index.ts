import { api, type Answer } from '../../api/client';
import { userMessage } from '../../api/errors';
import { fill, messages, type Messages } from '../../i18n/index';
import { clock } from '../../lib/clock';
import { formatDate, formatPoints, formatYuan } from '../../lib/format';

type Pkg = Answer<'/api/packages', 'get'>[number];
interface PackageCard {
  id: string;
  name: string;
  pointsText: string;
  bonusText: string;
  priceText: string;
  originalText: string;
  promotionText: string;
}

/** After a tap selects a package, the pay button waits this long (no accidental double taps). */
const SELECT_LOCK_MS = 1000;
const stopLock = new WeakMap<object, () => void>();

function card(p: Pkg, t: Messages): PackageCard {
  const discounted = p.discount !== '0.00';
  return {
    id: p.id,
    name: p.name,
    pointsText: fill(t.common.pointsUnit, { n: formatPoints(p.totalPoints) }),
    bonusText: p.bonusPoints > 0 ? fill(t.buy.bonus, { n: formatPoints(p.bonusPoints) }) : '',
    priceText: fill(t.common.yuan, { amount: formatYuan(p.price) }),
    originalText: discounted ? fill(t.buy.originalPrice, { amount: formatYuan(p.originalPrice) }) : '',
    promotionText: p.promotion ? (discounted ? `${p.promotion.name} · ${fill(t.buy.save, { amount: formatYuan(p.discount) })}` : p.promotion.name) : '',
  };
}

/** Tab 购买积分: sticky balance, recommended packages, every package; a tap selects. */
Component({
  data: {
    t: messages(),
    state: 'loading' as 'loading' | 'ready' | 'empty' | 'error',
    errorText: '',
    balanceText: '',
    expiryText: '',
    recommended: [] as PackageCard[],
    packages: [] as PackageCard[],
    selectedId: '',
    selectedText: '',
    locked: false,
  },
  methods: {
    onLoad() {
      const t = messages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.tabs.buy });
      return this.load();
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh());
    },
    onUnload() {
      stopLock.get(this)?.();
    },
    async load() {
      const t = this.data.t;
      this.setData({ state: 'loading' });
      try {
        const [points, packages] = await Promise.all([api('get', '/api/points'), api('get', '/api/packages')]);
        const hot = packages.filter((p) => p.isHot).slice(0, 3);
        // Nothing chosen yet: the hot package, else the middle tier (中档默认).
        const preselected = this.data.selectedId && packages.some((p) => p.id === this.data.selectedId)
          ? this.data.selectedId
          : (hot[0] ?? packages[Math.floor((packages.length - 1) / 2)])?.id ?? '';
        this.setData({
          state: packages.length ? 'ready' : 'empty',
          balanceText: formatPoints(points.balance),
          expiryText: points.nearestExpiry ? formatDate(points.nearestExpiry) : t.buy.noExpiry,
          recommended: hot.map((p) => card(p, t)),
          packages: packages.map((p) => card(p, t)),
        });
        this.select(preselected, false);
      } catch (err) {
        this.setData({ state: 'error', errorText: userMessage(err, t) });
      }
    },
    select(id: string, lock: boolean) {
      const chosen = this.data.packages.find((p) => p.id === id);
      this.setData({ selectedId: id, selectedText: chosen ? fill(this.data.t.buy.selected, { name: `${chosen.name} ${chosen.priceText}` }) : '' });
      if (!lock) return;
      stopLock.get(this)?.();
      this.setData({ locked: true });
      stopLock.set(this, clock.later(SELECT_LOCK_MS, () => this.setData({ locked: false })));
    },
    onSelect(e: WechatMiniprogram.TouchEvent) {
      this.select(String(e.currentTarget.dataset.id), true);
    },
    onBuyNow(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/order-confirm/index?packageId=${e.currentTarget.dataset.id}` });
    },
    onNext() {
      if (this.data.locked || !this.data.selectedId) return;
      wx.navigateTo({ url: `/pages/order-confirm/index?packageId=${this.data.selectedId}` });
    },
    toOrders() {
      wx.navigateTo({ url: '/pages/orders/index' });
    },
  },
});
