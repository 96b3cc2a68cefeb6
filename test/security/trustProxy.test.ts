import assert from 'node:assert/strict';
import { db } from '../../server/db/index.js';
import { LoginLog, OperationLog } from '../../server/models/index.js';
import { systemConfigDefinitions } from '../../server/services/systemConfig/definitions.js';
import { updateSetting } from '../../server/services/systemConfig/systemConfig.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';
import { Session, startAdminServer } from './support.js';

const PASSWORD = 'Proxy-pass-123';
const VERIFY = '/open/v1/card-keys/verify';

/**
 * Issue 11 item 5: behind one proxy (TRUST_PROXY=1) the client is the address the proxy appended,
 * not whatever the client wrote into X-Forwarded-For itself; the admin's audit IP is the same.
 * The test plays the proxy: it appends the "real" client address to a forged header.
 */
describe('security: TRUST_PROXY is a hop count or a proxy list, never "trust every X-Forwarded-For"', function () {
  this.timeout(120_000);
  let world: Awaited<ReturnType<typeof startAdminServer>>;
  let rootId: number;

  before(async () => {
    db();
    rootId = (await createAdminUser({ username: 'proxy_root', password: PASSWORD, role: 'super_admin' })).id;
    world = await startAdminServer({ TRUST_PROXY: '1', OPEN_RATE_IP_PER_MINUTE: '3', OPEN_RATE_BLOCK_SECONDS: '120' });
  });
  after(async () => {
    await updateSetting('basic.site_name', systemConfigDefinitions['basic.site_name'].default, { id: rootId, role: 'super_admin' });
    await world.restore();
  });

  it('a client forging X-Forwarded-For cannot escape the per-IP limit of the open API', async () => {
    // Addresses no other suite uses: the per-IP counters live in the run's Redis for a minute.
    const octet = () => 1 + Math.floor(Math.random() * 254);
    const client = `198.18.${octet()}.${octet()}`;
    const neighbour = `198.19.${octet()}.${octet()}`;
    const send = (forged: string) =>
      fetch(`${world.server.url}${VERIFY}`, { method: 'POST', headers: { 'X-Forwarded-For': `${forged}, ${client}` }, body: '{}' }).then((r) => r.status);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await send(`203.0.113.${i + 1}`));
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    // Another client behind the same proxy is not touched by that ban.
    const other = await fetch(`${world.server.url}${VERIFY}`, { method: 'POST', headers: { 'X-Forwarded-For': `${client}, ${neighbour}` }, body: '{}' });
    assert.equal(other.status, 401);
  });

  it('the login log and the admin audit rows record the address the proxy saw, the same for both', async () => {
    const headers = { 'X-Forwarded-For': '10.66.66.66, 192.0.2.44' };
    const session = await Session.login(world.server.url, 'proxy_root', PASSWORD, headers);
    const login = await LoginLog.findOne({ where: { username: 'proxy_root', success: true }, order: [['id', 'DESC']] });
    assert.equal(login?.ip, '192.0.2.44');

    const res = await session.form('POST', '/admin/api/resources/system_configs/records/basic.site_name/updateSetting', { value: 'Proxy test' });
    assert.equal(res.status, 200, await res.text());
    const audit = await OperationLog.findOne({ where: { resource: 'system_configs', recordId: 'basic.site_name' }, order: [['id', 'DESC']] });
    assert.equal(audit?.ip, '192.0.2.44');
  });
});
