import { messages } from './i18n/index';

const TAB_KEYS = ['home', 'buy', 'keys', 'me'] as const;

App({
  onLaunch() {
    // app.json can hold one language only: the tab labels follow WeChat's language at launch.
    const t = messages();
    TAB_KEYS.forEach((key, index) => {
      wx.setTabBarItem({ index, text: t.tabs[key] }).catch(() => undefined);
    });
  },
});
