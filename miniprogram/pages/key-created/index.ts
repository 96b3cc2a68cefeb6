import { messages } from '../../i18n/index';
import { takeCreatedKey, type CreatedKey } from '../../lib/intent';

/**
 * The new key, shown this once: 复制Key, and closing only after 「我已保存」 is ticked.
 * The key lives in this page's memory only; leaving the page forgets it.
 */
Component({
  data: { t: messages(), key: null as CreatedKey | null, saved: false },
  methods: {
    onLoad() {
      const t = messages();
      this.setData({ t, key: takeCreatedKey(), saved: false });
      wx.setNavigationBarTitle({ title: t.keyCreated.title });
    },
    onUnload() {
      this.setData({ key: null });
    },
    onCopy() {
      if (!this.data.key) return;
      wx.setClipboardData({ data: this.data.key.key }).then(() => wx.showToast({ title: this.data.t.common.copied, icon: 'success' }), () => undefined);
    },
    onTick() {
      this.setData({ saved: !this.data.saved });
    },
    onClose() {
      if (!this.data.saved) {
        wx.showToast({ title: this.data.t.keyCreated.mustTick, icon: 'none' });
        return;
      }
      this.setData({ key: null });
      wx.navigateBack().catch(() => wx.switchTab({ url: '/pages/keys/index' }));
    },
  },
});
