import { login } from '../../api/client';
import { userMessage } from '../../api/errors';
import { fill, messages } from '../../i18n/index';

/**
 * Launch: a silent WeChat login, then the home tab. No binding prompts. After an
 * explicit logout (`?loggedOut=1`) it waits for the user to log in again.
 */
Component({
  data: { t: messages(), state: 'loading' as 'loading' | 'idle', errorText: '' },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ t: messages() });
      if (query.loggedOut) {
        this.setData({ state: 'idle' });
        return Promise.resolve();
      }
      return this.login();
    },
    async login() {
      this.setData({ state: 'loading', errorText: '' });
      try {
        await login();
        await wx.switchTab({ url: '/pages/home/index' });
      } catch (err) {
        this.setData({ state: 'idle', errorText: fill(this.data.t.launch.failed, { reason: userMessage(err, this.data.t) }) });
      }
    },
  },
});
