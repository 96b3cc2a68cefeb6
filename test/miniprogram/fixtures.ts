import { Op } from 'sequelize';
import { ApiCatalogEntry, MiniUser, Package } from '../../server/models/index.js';
import { redis, redisKey } from '../../server/redis.js';
import { creditLots } from '../support/apiKeys.js';
import { miniModule, type MiniRuntime, type SimComponent } from './harness.js';

/** Logs the runtime's user in (as the app does) and returns its meta_user id. */
export async function signIn(rt: MiniRuntime, points = 0): Promise<string> {
  await miniModule<{ login(): Promise<unknown> }>('api/client.ts').login();
  const user = await MiniUser.findOne({ where: { openid: rt.openid } });
  if (!user) throw new Error('login did not create the user');
  if (points) await creditLots(user.id, points);
  return user.id;
}

/**
 * Every test user redeems from 127.0.0.1, whose hourly allowance other suites of the run use up:
 * a fresh allowance, as test/routes/api/redeem.test.ts gives each of its tests.
 */
export async function freshRedeemAllowance(): Promise<void> {
  const keys = await redis().keys(`${redisKey('redeem', 'ip')}*`);
  if (keys.length) await redis().del(...keys);
}

/** Opens a page while its requests are held, to look at the loading state; then lets them through. */
export async function openHeld(rt: MiniRuntime, route: string, query: Record<string, string> = {}): Promise<{ loadingText: string; done: Promise<SimComponent> }> {
  rt.hold();
  const done = rt.open(route, query);
  await new Promise((r) => setTimeout(r, 20));
  const loadingText = rt.text();
  rt.release();
  await done;
  await rt.settle();
  return { loadingText, done };
}

/** The page's state-view retry button. */
export async function retry(rt: MiniRuntime): Promise<void> {
  const view = rt.page.querySelector('.state-view');
  const button = view?.querySelector('.retry');
  if (!button) throw new Error(`no retry button on ${rt.route}: ${rt.text()}`);
  button.dispatchEvent('tap');
  await rt.settle();
}

/**
 * Runs `work` with nothing else on sale / in the catalog (other suites share the database), then
 * puts every row back as it was.
 */
export async function withNothingOnSale<T>(work: () => Promise<T>): Promise<T> {
  const onSale = await Package.findAll({ where: { status: 1 }, attributes: ['id'] });
  await Package.update({ status: 0 }, { where: { id: { [Op.in]: onSale.map((p) => p.id) } } });
  try {
    return await work();
  } finally {
    await Package.update({ status: 1 }, { where: { id: { [Op.in]: onSale.map((p) => p.id) } } });
  }
}

export async function withEmptyCatalog<T>(work: () => Promise<T>): Promise<T> {
  const active = await ApiCatalogEntry.findAll({ where: { status: 1 }, attributes: ['id'] });
  await ApiCatalogEntry.update({ status: 0 }, { where: { id: { [Op.in]: active.map((a) => a.id) } } });
  try {
    return await work();
  } finally {
    await ApiCatalogEntry.update({ status: 1 }, { where: { id: { [Op.in]: active.map((a) => a.id) } } });
  }
}
