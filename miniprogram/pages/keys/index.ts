import { api, type Answer } from '../../api/client';
import { toastError, userMessage } from '../../api/errors';
import { fill, messages, type Messages } from '../../i18n/index';
import { parseWhitelistText } from '../../lib/cidr';
import { formatPoints, relativeTime } from '../../lib/format';
import { handOverCreatedKey, takeKeyFormRequest } from '../../lib/intent';

type Key = Answer<'/api/v1/api-keys', 'get'>['items'][number];
type KeyStatus = Key['status'];
const STATUSES: KeyStatus[] = ['active', 'disabled', 'expired', 'out_of_points'];
const VALIDITY_MONTHS = [1, 3, 6, 12] as const;
const NAME_MAX = 20;

interface Card {
  id: string;
  name: string;
  prefix: string;
  status: KeyStatus;
  statusText: string;
  remainingText: string;
  callsText: string;
  lastUsedText: string;
  selected: boolean;
}

interface Form {
  open: boolean;
  name: string;
  nameError: string;
  scopeAll: boolean;
  apis: Array<{ id: number; name: string; priceText: string; on: boolean }>;
  scopeError: string;
  whitelist: string;
  whitelistError: string;
  months: number;
  busy: boolean;
}

const closedForm = (): Form => ({ open: false, name: '', nameError: '', scopeAll: true, apis: [], scopeError: '', whitelist: '', whitelistError: '', months: 12, busy: false });

function card(k: Key, t: Messages, selected: boolean): Card {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    status: k.status,
    statusText: t.keys.statuses[k.status] ?? k.status,
    remainingText: fill(t.keys.remaining, { n: formatPoints(k.remainingPoints) }),
    callsText: fill(t.keys.callsToday, { n: formatPoints(k.callsToday) }),
    lastUsedText: fill(t.keys.lastUsed, { when: relativeTime(k.lastUsedAt, t) }),
    selected,
  };
}

/**
 * Tab API Key: the user's keys, most recently used first, filtered by status and name;
 * multi-select for batch disable / delete; the 生成新Key dialog (name ≤ 20, scope, IP whitelist
 * with CIDR checked here and again by the server, validity).
 */
Component({
  data: {
    t: messages(),
    state: 'loading' as 'loading' | 'ready' | 'empty' | 'error',
    errorText: '',
    emptyText: '',
    status: '',
    name: '',
    statuses: [] as Array<{ value: string; label: string }>,
    validities: [] as Array<{ months: number; label: string }>,
    keys: [] as Card[],
    total: 0,
    selecting: false,
    selectedCount: 0,
    selectedText: '',
    form: closedForm(),
  },
  methods: {
    onLoad() {
      const t = messages();
      this.setData({
        t,
        statuses: [{ value: '', label: t.keys.statuses.all! }, ...STATUSES.map((s) => ({ value: s, label: t.keys.statuses[s]! }))],
        validities: VALIDITY_MONTHS.map((m) => ({ months: m, label: fill(t.keyForm.months, { n: m }) })),
      });
      wx.setNavigationBarTitle({ title: t.tabs.keys });
      return this.load();
    },
    onShow() {
      if (takeKeyFormRequest()) void this.openForm();
      if (this.data.state === 'ready' || this.data.state === 'empty') return this.load(true);
      return Promise.resolve();
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh());
    },
    async load(quiet = false) {
      const t = this.data.t;
      if (!quiet) this.setData({ state: 'loading' });
      try {
        const answer = await api('get', '/api/v1/api-keys', {
          query: { pageSize: 100, status: (this.data.status || undefined) as KeyStatus | undefined, name: this.data.name.trim() || undefined },
        });
        const selected = new Set(this.data.keys.filter((k) => k.selected).map((k) => k.id));
        const keys = answer.items.map((k) => card(k, t, selected.has(k.id)));
        this.setData({
          keys,
          total: answer.total,
          state: keys.length ? 'ready' : 'empty',
          emptyText: this.data.status || this.data.name ? t.keys.emptyFiltered : t.keys.empty,
        });
        this.countSelected();
      } catch (err) {
        if (quiet) toastError(err, t);
        else this.setData({ state: 'error', errorText: userMessage(err, t) });
      }
    },
    onStatus(e: WechatMiniprogram.TouchEvent) {
      this.setData({ status: String(e.currentTarget.dataset.value ?? '') });
      return this.load();
    },
    onNameInput(e: WechatMiniprogram.Input) {
      this.setData({ name: e.detail.value });
    },
    onSearch(e: WechatMiniprogram.InputConfirm) {
      this.setData({ name: e.detail.value });
      return this.load();
    },

    // ---- selection and batch actions ----
    toggleSelecting() {
      this.setData({ selecting: !this.data.selecting, keys: this.data.keys.map((k) => ({ ...k, selected: false })) });
      this.countSelected();
    },
    countSelected() {
      const n = this.data.keys.filter((k) => k.selected).length;
      this.setData({ selectedCount: n, selectedText: fill(this.data.t.keys.selectedCount, { n }) });
    },
    onKeyTap(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      if (!this.data.selecting) {
        wx.navigateTo({ url: `/pages/key-detail/index?id=${id}` });
        return;
      }
      this.setData({ keys: this.data.keys.map((k) => (k.id === id ? { ...k, selected: !k.selected } : k)) });
      this.countSelected();
    },
    async batch(action: 'disable' | 'delete') {
      const t = this.data.t;
      const ids = this.data.keys.filter((k) => k.selected).map((k) => k.id);
      if (!ids.length) return;
      const { confirm } = await wx.showModal({
        title: action === 'delete' ? t.keys.batchDelete : t.keys.batchDisable,
        content: fill(action === 'delete' ? t.keys.confirmDelete : t.keys.confirmDisable, { n: ids.length }),
        confirmColor: action === 'delete' ? '#e53935' : '#1677ff',
      });
      if (!confirm) return;
      try {
        const result = await api('post', '/api/v1/api-keys/batch', { body: { action, ids } });
        const n = action === 'delete' ? (result.deleted ?? 0) : (result.changed ?? 0);
        wx.showToast({ title: fill(action === 'delete' ? t.keys.deletedDone : t.keys.disabledDone, { n }), icon: 'success' });
        this.setData({ selecting: false, keys: this.data.keys.map((k) => ({ ...k, selected: false })) });
        await this.load(true);
      } catch (err) {
        toastError(err, t);
      }
    },
    onBatchDisable() {
      return this.batch('disable');
    },
    onBatchDelete() {
      return this.batch('delete');
    },

    // ---- the 生成新Key dialog ----
    async openForm() {
      const t = this.data.t;
      this.setData({ form: { ...closedForm(), open: true, name: this.data.total === 0 ? t.keyForm.defaultName : '' } });
      try {
        const apis = await api('get', '/api/v1/api-keys/apis');
        this.setData({ 'form.apis': apis.map((a) => ({ id: a.id, name: a.name, priceText: fill(t.keyForm.perCall, { n: a.pointsPerCall }), on: false })) });
      } catch (err) {
        toastError(err, t);
      }
    },
    closeForm() {
      this.setData({ form: closedForm() });
    },
    onFormName(e: WechatMiniprogram.Input) {
      this.setData({ 'form.name': e.detail.value, 'form.nameError': '' });
    },
    onFormWhitelist(e: WechatMiniprogram.Input) {
      this.setData({ 'form.whitelist': e.detail.value, 'form.whitelistError': '' });
    },
    onScope(e: WechatMiniprogram.TouchEvent) {
      this.setData({ 'form.scopeAll': Boolean(e.currentTarget.dataset.all), 'form.scopeError': '' });
    },
    onApi(e: WechatMiniprogram.TouchEvent) {
      const id = Number(e.currentTarget.dataset.id);
      this.setData({ 'form.apis': this.data.form.apis.map((a) => (a.id === id ? { ...a, on: !a.on } : a)), 'form.scopeError': '' });
    },
    onValidity(e: WechatMiniprogram.TouchEvent) {
      this.setData({ 'form.months': Number(e.currentTarget.dataset.months) });
    },
    /** The form's own checks (the server repeats them); true when it may be sent. */
    checkForm(): boolean {
      const t = this.data.t;
      const form = this.data.form;
      const name = form.name.trim();
      const nameError = !name ? t.keyForm.nameRequired : [...name].length > NAME_MAX ? t.keyForm.nameTooLong : '';
      const chosen = form.apis.filter((a) => a.on);
      const scopeError = !form.scopeAll && chosen.length === 0 ? t.keyForm.scopeNone : '';
      const { invalid } = parseWhitelistText(form.whitelist);
      const whitelistError = invalid.length ? fill(t.keyForm.whitelistBad, { items: invalid.join('、') }) : '';
      this.setData({ 'form.nameError': nameError, 'form.scopeError': scopeError, 'form.whitelistError': whitelistError });
      return !nameError && !scopeError && !whitelistError;
    },
    async onCreate() {
      const form = this.data.form;
      if (form.busy || !this.checkForm()) return;
      this.setData({ 'form.busy': true });
      try {
        const created = await api('post', '/api/v1/api-keys', {
          body: {
            name: form.name.trim(),
            validityMonths: form.months as 1 | 3 | 6 | 12,
            scopeAll: form.scopeAll,
            apiIds: form.scopeAll ? [] : form.apis.filter((a) => a.on).map((a) => a.id),
            ipWhitelist: parseWhitelistText(form.whitelist).entries,
          },
        });
        handOverCreatedKey({ id: created.id, name: created.name, key: created.key, expiresAt: created.expiresAt });
        this.setData({ form: closedForm() });
        await wx.navigateTo({ url: '/pages/key-created/index' });
      } catch (err) {
        this.setData({ 'form.busy': false });
        toastError(err, this.data.t);
      }
    },
  },
});
