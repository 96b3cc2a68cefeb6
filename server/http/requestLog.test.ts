import assert from 'node:assert/strict';
import { loggedPath } from './requestLog.js';

describe('loggedPath (request logs)', () => {
  it('drops query strings everywhere', () => {
    assert.equal(loggedPath('/auth/reset?token=abc'), '/auth/reset');
    assert.equal(loggedPath('/api/orders?page=2#x'), '/api/orders');
    assert.equal(loggedPath('/admin/api/resources/x/actions/list?filters.email=a@b.c'), '/admin/api/resources/x/actions/list');
  });

  it('shows route patterns, not values, under /open and /auth', () => {
    assert.equal(loggedPath('/open/v1/card-keys/ABCD-EFGH-1234'), '/open/v1/card-keys/:value');
    assert.equal(loggedPath('/open/v1/card-keys/abcdefgh1234'), '/open/v1/card-keys/:value');
    assert.equal(loggedPath('/open/v1/card-keys/verify'), '/open/v1/card-keys/verify');
    assert.equal(loggedPath('/auth/verify/resend'), '/auth/verify/resend');
    assert.equal(loggedPath('/auth/some-token-in-a-path'), '/auth/:value');
    assert.equal(loggedPath('/api/orders/42'), '/api/orders/42');
  });
});
