import { api } from '../../api/client';
import { userMessage } from '../../api/errors';
import { fill, messages } from '../../i18n/index';
import { formatPoints } from '../../lib/format';

/** 兑换卡密: a card key of the platform's points project → points, now. */
Component({
  data: { t: messages(), code: '', busy: false, errorText: '', resultText: '', balanceText: '' },
  methods: {
    onLoad() {
      const t = messages();
      this.setData({ t });
      wx.setNavigationBarTitle({ title: t.redeem.title });
    },
    onInput(e: WechatMiniprogram.Input) {
      this.setData({ code: e.detail.value, errorText: '' });
    },
    async onSubmit() {
      const t = this.data.t;
      const code = this.data.code.trim();
      if (this.data.busy || !code) return;
      this.setData({ busy: true, errorText: '', resultText: '' });
      try {
        const result = await api('post', '/api/redeem', { body: { code } });
        this.setData({
          code: '',
          resultText: fill(t.redeem.success, { n: formatPoints(result.points) }),
          balanceText: fill(t.redeem.balance, { n: formatPoints(result.balance) }),
        });
      } catch (err) {
        this.setData({ errorText: userMessage(err, t) });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
