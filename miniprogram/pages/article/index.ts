import { api, ApiError } from '../../api/client';
import { userMessage } from '../../api/errors';
import { messages } from '../../i18n/index';
import { formatDate } from '../../lib/format';

/** An article opened by page key: 关于我们 (about), 用户协议 (agreement), the integration guide. */
Component({
  data: { t: messages(), state: 'loading' as 'loading' | 'ready' | 'empty' | 'error', errorText: '', slug: '', title: '', date: '', content: '' },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ t: messages(), slug: query.slug ?? '' });
      return this.load();
    },
    async load() {
      this.setData({ state: 'loading' });
      try {
        const article = await api('get', '/api/articles/slug/{slug}', { params: { slug: this.data.slug } });
        wx.setNavigationBarTitle({ title: article.title });
        this.setData({ state: 'ready', title: article.title, date: formatDate(article.publishedAt), content: article.content ?? '' });
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) this.setData({ state: 'empty' });
        else this.setData({ state: 'error', errorText: userMessage(err, this.data.t) });
      }
    },
  },
});
