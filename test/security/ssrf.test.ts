import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { db } from '../../server/db/index.js';
import { CallbackDelivery, Project } from '../../server/models/index.js';
import { deliverCallback, emitCardKeyEvent } from '../../server/services/cardKeys/events.js';
import { updateProject } from '../../server/services/projects/manageProject.js';
import { makeWorld, withConfig, type World } from '../support/cardKeys.js';

/**
 * Issue 11 item 4: a callback URL cannot make the worker a port scanner for the server's own
 * machine or network. A real receiver listens on 127.0.0.1; without the allow-list it must never be hit.
 */
describe('security: callback URLs cannot reach internal addresses (SSRF)', function () {
  this.timeout(60_000);
  let world: World;
  let receiver: Server;
  let port: number;
  let hits = 0;

  before(async () => {
    db();
    receiver = createServer((_req, res) => {
      hits++;
      res.writeHead(500, { 'content-type': 'text/plain' }).end('SSH-2.0-OpenSSH_9.6 internal banner');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
    world = await makeWorld('ssrf');
  });
  after(() => receiver.close());

  const noAllowList = <T>(fn: () => Promise<T>) => withConfig({ CALLBACK_ALLOWED_HOSTS: [] }, fn);

  it('refuses internal callback URLs when they are saved, in every spelling', async () => {
    await noAllowList(async () => {
      for (const url of [`http://127.0.0.1:${port}/`, 'http://0x7f000001/', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:7f00:1]/', 'http://[::1]/', 'http://10.0.0.5/', 'http://100.64.1.1/', 'http://localhost/', `http://${os.hostname()}:${port}/`]) {
        await assert.rejects(updateProject(world.project.id, { callbackUrl: url }, world.root), (e: { reason?: string }) => e.reason === 'CALLBACK_URL_REFUSED', url);
      }
      assert.equal((await Project.findByPk(world.project.id))!.callbackUrl, null);
    });
  });

  it('refuses again when connecting (a name that resolves inside), storing only a coarse error', async () => {
    assert.equal((await lookup(os.hostname())).address.startsWith('127.'), true, 'this machine name resolves to loopback');
    await noAllowList(async () => {
      // As if the name had resolved outside when it was saved and was re-pointed since (DNS rebinding).
      for (const url of [`http://${os.hostname()}:${port}/hook`, `http://127.0.0.1:${port}/hook`]) {
        await Project.update({ callbackUrl: url }, { where: { id: world.project.id } });
        const delivery = (await emitCardKeyEvent({ event: 'disabled', projectId: world.project.id, cardKeyId: null, code: 'SSRF-TEST' }))!;
        await assert.rejects(deliverCallback(delivery.id, true));
        const row = (await CallbackDelivery.findByPk(delivery.id))!;
        assert.equal(row.lastError, 'address not allowed');
        assert.equal(row.lastStatusCode, null);
      }
    });
    assert.equal(hits, 0, 'the internal receiver was never reached');
  });

  it('an allow-listed receiver is reached, and its reply text is not stored', async () => {
    await withConfig({ CALLBACK_ALLOWED_HOSTS: [`127.0.0.1:${port}`] }, async () => {
      await updateProject(world.project.id, { callbackUrl: `http://127.0.0.1:${port}/hook` }, world.root);
      const delivery = (await emitCardKeyEvent({ event: 'disabled', projectId: world.project.id, cardKeyId: null, code: 'SSRF-TEST' }))!;
      await assert.rejects(deliverCallback(delivery.id, true));
      const row = (await CallbackDelivery.findByPk(delivery.id))!;
      assert.equal(row.lastStatusCode, 500);
      assert.equal(row.lastError, 'HTTP 500');
    });
    assert.equal(hits, 1);
    await Project.update({ callbackUrl: null }, { where: { id: world.project.id } });
  });
});
