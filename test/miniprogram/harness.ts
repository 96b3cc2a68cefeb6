import { createVerify } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import globalJsdom from 'global-jsdom';
import { openApiDocument } from '../../server/routes/api/docs.js';
import type { WechatSimulator } from '../wechat-sim/sim.js';

/**
 * Runs the real mini-program pages in miniprogram-simulate (jsdom) with `wx` bridged to real
 * things: wx.request → the app under test over HTTP (every call checked against the OpenAPI
 * document), wx.login → a code from the WeChat simulator, wx.requestPayment → the simulator pays
 * and sends its signed notification (or the user cancels). Navigation keeps a page stack like
 * WeChat's, calling the page lifecycles (onLoad, onShow, onUnload).
 */

const require = createRequire(import.meta.url);
export const MINIPROGRAM_ROOT = fileURLToPath(new URL('../../miniprogram', import.meta.url));
/** config.ts's release host: requests to it go to the server under test. */
const RELEASE_API_BASE = 'https://api.seahorse.example.com';
const TAB_PAGES = new Set(['pages/home/index', 'pages/buy/index', 'pages/keys/index', 'pages/me/index']);

type Simulate = {
  load(path: string, options: Record<string, unknown>): string;
  render(id: string): SimComponent;
};
export interface SimComponent {
  dom: HTMLElement;
  data: Record<string, any>;
  instance: Record<string, any>;
  querySelector(selector: string): SimNode | undefined;
  querySelectorAll(selector: string): SimNode[];
  attach(parent: Element): void;
  detach(): void;
}
export interface SimNode {
  dom: HTMLElement;
  dispatchEvent(name: string, options?: Record<string, unknown>): void;
  querySelector(selector: string): SimNode | undefined;
  querySelectorAll(selector: string): SimNode[];
}

/** The pages' waits run 20 times faster (a second is 50 ms): the 1 s locks stay observable. */
export const TIME_SCALE = 0.05;

let users = 0;
let restoreGlobals: (() => void) | null = null;
let simulate: Simulate;

/**
 * jsdom and the simulator as globals (the pages need `window`, `document`, `wx`, `Component`);
 * returns the function that takes them away again.
 */
export function installMiniprogramDom(): () => void {
  const cleanup = globalJsdom();
  const g = globalThis as Record<string, unknown>;
  const saved = { Event: g.Event, CustomEvent: g.CustomEvent, EventTarget: g.EventTarget };
  Object.assign(g, { Event: window.Event, CustomEvent: window.CustomEvent, EventTarget: window.EventTarget });
  simulate = require('miniprogram-simulate') as Simulate;
  // The simulator's built-in form components drop their properties; these keep what they show
  // (an input's value or placeholder, a switch's state, an image's source), so tests and the
  // preview see it. Events (input, change, tap) behave as before.
  const jComponent = require('j-component') as { register(def: Record<string, unknown>): void };
  const field = { properties: { value: { type: String, value: '' }, placeholder: { type: String, value: '' } }, template: '<text class="wx-field {{value ? \'\' : \'wx-placeholder\'}}">{{value || placeholder}}</text>' };
  jComponent.register({ id: 'input', tagName: 'wx-input', ...field });
  jComponent.register({ id: 'textarea', tagName: 'wx-textarea', ...field });
  jComponent.register({ id: 'switch', tagName: 'wx-switch', properties: { checked: { type: Boolean, value: false } }, template: '<text class="wx-switch {{checked ? \'wx-switch-on\' : \'\'}}"></text>' });
  jComponent.register({ id: 'image', tagName: 'wx-image', properties: { src: { type: String, value: '' }, mode: { type: String, value: '' } }, template: '<text class="wx-image-src">{{src}}</text>' });
  // The pages are TypeScript beside their .json: load `index.ts`, not the `index.json` Node would pick.
  const utils = require('miniprogram-simulate/src/utils') as { runJs(path: string): void; transformRpx(style: string): string };
  utils.runJs = (path: string) => {
    const file = require.resolve(`${path}.ts`);
    require(file);
    delete require.cache[file];
  };
  // WeChat's rpx: 750 across the screen, so 1 rpx = 0.5 px at 375 px.
  utils.transformRpx = (style: string) => style.replace(/(-?\d*\.?\d+)rpx/gi, (_m, n: string) => `${Number(n) / 2}px`);
  return () => {
    Object.assign(g, saved);
    cleanup();
  };
}

/** jsdom and the simulator for the duration of a suite, with the pages' waits compressed. */
export function useMiniprogramDom(): void {
  before(() => {
    users += 1;
    if (restoreGlobals) return;
    restoreGlobals = installMiniprogramDom();
    miniModule<{ clock: { scale: number } }>('lib/clock.ts').clock.scale = TIME_SCALE;
  });
  after(() => {
    users -= 1;
    if (users === 0 && restoreGlobals) {
      restoreGlobals();
      restoreGlobals = null;
    }
  });
}

/**
 * Runs `work` with the pages' waits at `scale` (1 = real time), for assertions about a wait itself
 * that must not depend on how busy the machine is; then back to TIME_SCALE.
 */
export async function atTimeScale<T>(scale: number, work: () => Promise<T>): Promise<T> {
  const { clock } = miniModule<{ clock: { scale: number } }>('lib/clock.ts');
  clock.scale = scale;
  try {
    return await work();
  } finally {
    clock.scale = TIME_SCALE;
  }
}

/** A module of the mini-program, as its pages see it (one instance). */
export function miniModule<T>(relative: string): T {
  return require(`${MINIPROGRAM_ROOT}/${relative}`) as T;
}

const documentedOperations = () =>
  Object.entries(openApiDocument().paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path, pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`) })),
  );

/** What a page passes to wx.request (the fields used here). */
interface RequestOption {
  url: string;
  method?: string;
  data?: unknown;
  header?: Record<string, unknown>;
  success?: (res: { statusCode: number; data: unknown; header: Record<string, string>; errMsg: string }) => void;
  fail?: (err: { errMsg: string }) => void;
  complete?: (res: { errMsg: string }) => void;
}

export type PayBehaviour = 'pay' | 'pay-late-notification' | 'cancel' | 'fail';

interface Page {
  route: string;
  component: SimComponent;
  /** The id of the page's <style> (its WXSS and its components'). */
  styleId: string;
  title?: string;
}

export interface RuntimeOptions {
  server: string;
  sim: WechatSimulator;
  merchantPublicKey?: import('node:crypto').KeyObject;
  openid?: string;
  lang?: 'zh-CN' | 'en';
}

export class MiniRuntime {
  readonly openid: string;
  lang: 'zh-CN' | 'en';
  readonly storage = new Map<string, unknown>();
  readonly stack: Page[] = [];
  readonly tabs = new Map<string, Page>();
  readonly toasts: string[] = [];
  readonly modals: Array<{ title?: string; content?: string }> = [];
  readonly requests: Array<{ method: string; path: string; status: number }> = [];
  readonly undocumented: string[] = [];
  readonly subscribeRequests: string[][] = [];
  clipboard = '';
  modalAnswer = true;
  networkDown = false;
  payBehaviour: PayBehaviour = 'pay';
  /** The payment the last wx.requestPayment paid (its out_trade_no). */
  lastPaidOrderNo = '';
  private inflight = 0;
  private held: Array<() => void> | null = null;
  private readonly container: HTMLElement;
  private readonly operations = documentedOperations();

  constructor(private readonly options: RuntimeOptions) {
    this.openid = options.openid ?? `o_mini_${Math.random().toString(36).slice(2)}`;
    this.lang = options.lang ?? 'zh-CN';
    this.container = document.createElement('div');
    document.body.appendChild(this.container);
    (globalThis as Record<string, unknown>).wx = this.wx();
    (globalThis as Record<string, unknown>).getCurrentPages = () => this.stack.map((p) => p.component.instance);
  }

  // ---- pages ------------------------------------------------------------------------------

  get page(): SimComponent {
    const top = this.stack[this.stack.length - 1];
    if (!top) throw new Error('no page is open');
    return top.component;
  }

  get route(): string {
    return this.stack[this.stack.length - 1]?.route ?? '';
  }

  /** The compiled WXSS of the current page and its components. */
  get css(): string {
    const top = this.stack[this.stack.length - 1];
    return (top && document.getElementById(top.styleId)?.textContent) ?? '';
  }

  get isTabPage(): boolean {
    return TAB_PAGES.has(this.route);
  }

  get title(): string {
    return this.stack[this.stack.length - 1]?.title ?? '';
  }

  /** The visible text of the current page, whitespace collapsed. */
  text(component: SimComponent = this.page): string {
    return (component.dom.textContent ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Opens a page as the only one (like reLaunch); resolves when its first load finished. */
  async open(route: string, query: Record<string, string> = {}): Promise<SimComponent> {
    await this.unloadAll();
    return this.push(route, query);
  }

  private async push(route: string, query: Record<string, string>): Promise<SimComponent> {
    const id = simulate.load(`${MINIPROGRAM_ROOT}/${route}`, { compiler: 'simulate', rootPath: MINIPROGRAM_ROOT });
    const component = simulate.render(id);
    const holder = document.createElement('page-wrapper');
    this.container.appendChild(holder);
    component.attach(holder);
    const page: Page = { route, component, styleId: id };
    this.stack.push(page);
    if (TAB_PAGES.has(route)) this.tabs.set(route, page);
    // As in WeChat, onShow follows onLoad at once (not after its requests).
    const loading = component.instance.onLoad?.(query);
    await component.instance.onShow?.();
    await loading;
    return component;
  }

  private async unload(page: Page): Promise<void> {
    if (TAB_PAGES.has(page.route)) return; // tab pages stay alive, like WeChat's
    await page.component.instance.onUnload?.();
    page.component.detach();
  }

  private async unloadAll(): Promise<void> {
    while (this.stack.length) await this.unload(this.stack.pop()!);
    for (const tab of this.tabs.values()) {
      await tab.component.instance.onUnload?.();
      tab.component.detach();
    }
    this.tabs.clear();
  }

  private async navigate(kind: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch', url: string): Promise<void> {
    const [path, search = ''] = url.replace(/^\//, '').split('?');
    const query = Object.fromEntries(new URLSearchParams(search));
    if (kind === 'reLaunch') {
      await this.open(path!, query);
      return;
    }
    if (kind === 'switchTab') {
      while (this.stack.length) await this.unload(this.stack.pop()!);
      const tab = this.tabs.get(path!);
      if (tab) {
        this.stack.push(tab);
        await tab.component.instance.onShow?.();
      } else await this.push(path!, query);
      return;
    }
    if (kind === 'redirectTo') {
      const top = this.stack.pop();
      if (top) await this.unload(top);
    }
    await this.push(path!, query);
  }

  /** Goes to a page as the app would (navigateTo, or switchTab for a tab) and waits for it to load. */
  async navigateForTest(route: string, kind: 'navigateTo' | 'switchTab' = 'navigateTo'): Promise<void> {
    await this.navigate(kind, `/${route}`);
    await this.settle();
  }

  /** Lets every pending request, timer and navigation run; resolves when nothing moved for a while. */
  async settle(): Promise<void> {
    let quiet = 0;
    while (quiet < 3) {
      await new Promise((r) => setTimeout(r, 5));
      quiet = this.inflight === 0 ? quiet + 1 : 0;
    }
  }

  /** Taps the first element matching the selector (inside the page or a child component path). */
  async tap(selector: string, component: SimComponent = this.page): Promise<void> {
    this.find(selector, component).dispatchEvent('tap');
    await this.settle();
  }

  async input(selector: string, value: string, event = 'input'): Promise<void> {
    this.find(selector).dispatchEvent(event, { detail: { value } });
    await this.settle();
  }

  async toggle(selector: string, value: boolean): Promise<void> {
    this.find(selector).dispatchEvent('change', { detail: { value } });
    await this.settle();
  }

  find(selector: string, component: SimComponent = this.page): SimNode {
    const node = component.querySelector(selector);
    if (!node) throw new Error(`no ${selector} on ${this.route}: ${this.text(component).slice(0, 300)}`);
    return node;
  }

  all(selector: string, component: SimComponent = this.page): SimNode[] {
    return component.querySelectorAll(selector);
  }

  /** Requests wait until release(), so a page's loading state can be seen. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    waiting.forEach((go) => go());
  }

  // ---- wx --------------------------------------------------------------------------------

  private wx(): Record<string, unknown> {
    const done = <T>(opts: { success?: (v: T) => void; complete?: () => void } | undefined, value: T): T => {
      opts?.success?.(value);
      opts?.complete?.();
      return value;
    };
    const nav = (kind: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch') => async (opts: { url: string; success?: (v: { errMsg: string }) => void }) => {
      await this.navigate(kind, opts.url);
      return done(opts, { errMsg: `${kind}:ok` });
    };
    return {
      request: (opts: RequestOption) => void this.request(opts),
      login: async (opts?: { success?: (v: { code: string }) => void }) => done(opts, { code: this.options.sim.issueCode(this.openid), errMsg: 'login:ok' }),
      requestPayment: (opts: { package: string; paySign: string; timeStamp: string; nonceStr: string; signType: string; appId?: string }) => this.requestPayment(opts),
      requestSubscribeMessage: async (opts: { tmplIds: string[] }) => {
        this.subscribeRequests.push(opts.tmplIds);
        return done(opts as never, Object.fromEntries(opts.tmplIds.map((id) => [id, 'accept'])));
      },
      getStorageSync: (key: string) => (this.storage.has(key) ? structuredClone(this.storage.get(key)) : ''),
      setStorageSync: (key: string, value: unknown) => void this.storage.set(key, structuredClone(value)),
      removeStorageSync: (key: string) => void this.storage.delete(key),
      getAppBaseInfo: () => ({ language: this.lang === 'en' ? 'en' : 'zh_CN', SDKVersion: '3.6.0' }),
      getAccountInfoSync: () => ({ miniProgram: { appId: 'wx_test_appid', envVersion: 'release', version: '1.0.0' } }),
      navigateTo: nav('navigateTo'),
      redirectTo: nav('redirectTo'),
      switchTab: nav('switchTab'),
      reLaunch: nav('reLaunch'),
      navigateBack: async (opts?: { delta?: number }) => {
        if (this.stack.length < 2) throw { errMsg: 'navigateBack:fail cannot navigate back at first page.' };
        for (let i = 0; i < (opts?.delta ?? 1) && this.stack.length > 1; i++) await this.unload(this.stack.pop()!);
        await this.stack[this.stack.length - 1]!.component.instance.onShow?.();
        return { errMsg: 'navigateBack:ok' };
      },
      showToast: async (opts: { title: string }) => {
        this.toasts.push(opts.title);
        return { errMsg: 'showToast:ok' };
      },
      showModal: async (opts: { title?: string; content?: string }) => {
        this.modals.push({ title: opts.title, content: opts.content });
        return { confirm: this.modalAnswer, cancel: !this.modalAnswer, errMsg: 'showModal:ok' };
      },
      showLoading: async () => ({ errMsg: 'showLoading:ok' }),
      hideLoading: async () => ({ errMsg: 'hideLoading:ok' }),
      setClipboardData: async (opts: { data: string }) => {
        this.clipboard = opts.data;
        return { errMsg: 'setClipboardData:ok' };
      },
      setNavigationBarTitle: async (opts: { title: string }) => {
        const top = this.stack[this.stack.length - 1];
        if (top) top.title = opts.title;
        return { errMsg: 'setNavigationBarTitle:ok' };
      },
      setTabBarItem: async () => ({ errMsg: 'setTabBarItem:ok' }),
      stopPullDownRefresh: async () => ({ errMsg: 'stopPullDownRefresh:ok' }),
      makePhoneCall: async () => ({ errMsg: 'makePhoneCall:ok' }),
    };
  }

  private async request(opts: RequestOption): Promise<void> {
    this.inflight += 1;
    try {
      if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
      const url = new URL(opts.url);
      const method = (opts.method ?? 'GET').toUpperCase();
      if (`${url.protocol}//${url.host}` === RELEASE_API_BASE) {
        if (!this.operations.some((o) => o.method === method && o.pattern.test(url.pathname))) this.undocumented.push(`${method} ${url.pathname}`);
      }
      if (this.networkDown) {
        opts.fail?.({ errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED' });
        return;
      }
      const target = `${url.protocol}//${url.host}` === RELEASE_API_BASE ? `${this.options.server}${url.pathname}${url.search}` : opts.url;
      const headers = Object.fromEntries(Object.entries(opts.header ?? {}).map(([k, v]) => [k, String(v)]));
      const res = await fetch(target, {
        method,
        headers,
        body: opts.data === undefined || method === 'GET' ? undefined : JSON.stringify(opts.data),
      });
      const text = await res.text();
      let data: unknown = text;
      try {
        data = text ? JSON.parse(text) : '';
      } catch {
        data = text;
      }
      this.requests.push({ method, path: url.pathname, status: res.status });
      opts.success?.({ statusCode: res.status, data, header: { 'content-type': res.headers.get('content-type') ?? '' }, errMsg: 'request:ok' });
    } catch (err) {
      opts.fail?.({ errMsg: `request:fail ${(err as Error).message}` });
    } finally {
      this.inflight -= 1;
      opts.complete?.({ errMsg: 'request:complete' });
    }
  }

  /** WeChat's payment sheet: checks the server's paySign, then the simulator pays (or the user cancels). */
  private async requestPayment(opts: { package: string; paySign: string; timeStamp: string; nonceStr: string; appId?: string }): Promise<{ errMsg: string }> {
    const prepayId = opts.package.replace(/^prepay_id=/, '');
    const tx = [...this.options.sim.transactions.values()].find((t) => t.prepay_id === prepayId);
    if (!tx) throw { errMsg: 'requestPayment:fail prepay_id not found' };
    if (this.options.merchantPublicKey) {
      const message = `${tx.appid}\n${opts.timeStamp}\n${opts.nonceStr}\n${opts.package}\n`;
      const valid = createVerify('RSA-SHA256').update(message).verify(this.options.merchantPublicKey, opts.paySign, 'base64');
      if (!valid) throw { errMsg: 'requestPayment:fail invalid paySign' };
    }
    if (this.payBehaviour === 'cancel') throw { errMsg: 'requestPayment:fail cancel' };
    if (this.payBehaviour === 'fail') throw { errMsg: 'requestPayment:fail 余额不足' };
    this.options.sim.pay(tx.out_trade_no, { lose: this.payBehaviour === 'pay-late-notification' });
    this.lastPaidOrderNo = tx.out_trade_no;
    return { errMsg: 'requestPayment:ok' };
  }

  async close(): Promise<void> {
    await this.unloadAll();
    this.container.remove();
  }
}
