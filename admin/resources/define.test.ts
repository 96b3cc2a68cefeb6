import assert from 'node:assert/strict';
import { type ActionContext, type ActionRequest, type ResourceOptions } from 'adminjs';
import { db } from '../../server/db/index.js';
import { MiniUser } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** The guarantees every domain action gets from defineResource, whoever writes it. */
describe('defineResource domain actions', () => {
  let calls = 0;
  let options: ResourceOptions;
  // Models are initialised by the global setup, after spec files load: build the resource in a hook.
  before(() => {
    db();
    // adjustPoints on meta_user: a verb its policy gives super admins only (server/policies/miniUsers.ts).
    options = defineResource(MiniUser, {
      navigation: 'points',
      list: ['id'],
      actions: {
        adjustPoints: { actionType: 'record', component: false, handler: async (_req, _res, ctx) => ({ record: ctx.record!.toJSON(ctx.currentAdmin), notice: { message: String(++calls), type: 'success' } }) },
        neverAllowed: { actionType: 'record', component: false, handler: async () => ({}) },
      },
    }).options;
  });
  const action = (name: string) => (options.actions as Record<string, NonNullable<typeof options.actions>[keyof NonNullable<typeof options.actions>]>)[name]!;
  const context = (role: string) =>
    ({ currentAdmin: { id: 1, role, parentId: null, email: 'x' }, record: { id: () => '7', toJSON: () => ({ id: '7', params: { id: 7 } }) } }) as unknown as ActionContext;

  it('runs the handler on POST only: a GET (button link, cross-site image) changes nothing', async () => {
    const handler = action('adjustPoints').handler as (r: ActionRequest, s: unknown, c: ActionContext) => Promise<{ notice?: unknown }>;
    const onGet = await handler({ method: 'get', params: {} } as ActionRequest, {}, context('super_admin'));
    assert.equal(calls, 0);
    assert.equal(onGet.notice, undefined);
    await handler({ method: 'post', params: {} } as ActionRequest, {}, context('super_admin'));
    assert.equal(calls, 1);
  });

  it('is accessible only to roles the policy lists, synchronously', () => {
    const isAccessible = action('adjustPoints').isAccessible as (c: ActionContext) => unknown;
    assert.equal(isAccessible(context('super_admin')), true);
    assert.equal(isAccessible(context('agent_admin')), false);
    assert.equal(isAccessible({} as ActionContext), false);
    assert.equal((action('neverAllowed').isAccessible as (c: ActionContext) => unknown)(context('super_admin')), false);
  });
});
