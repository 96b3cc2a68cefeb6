import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { openSecret } from '../../lib/secretBox.js';
import { OperationLog, Project, ProjectPrice } from '../../models/index.js';
import { createAdminUser } from '../identity/createAdminUser.js';
import { createProject } from './createProject.js';

describe('createProject', () => {
  let superAdmin: { id: number; role: 'super_admin'; parentId: null };
  before(async () => {
    const u = await createAdminUser({ username: 'cp_root', password: 'abcd1234', role: 'super_admin' });
    superAdmin = { id: u.id, role: 'super_admin', parentId: null };
  });

  it('creates credentials, a sealed secret, a working Ed25519 pair, prices and an audit row', async () => {
    const { project, appSecret } = await createProject(
      {
        name: 'cp Editor',
        version: '1.0',
        callbackUrl: 'https://example.com/hook',
        prices: [
          { label: '1天', durationDays: 1, unitPrice: '0.5' },
          { label: '永久', durationDays: null, unitPrice: 30 },
        ],
      },
      superAdmin,
    );
    assert.match(project.appKey, /^ak_[0-9a-f]{24}$/);
    assert.ok(appSecret.length >= 40);
    const stored = await Project.findByPk(project.id);
    assert.notEqual(stored!.appSecretEnc, appSecret);
    assert.equal(openSecret(stored!.appSecretEnc), appSecret);

    const message = Buffer.from('hello');
    const signature = sign(null, message, createPrivateKey(openSecret(stored!.signPrivateKeyEnc)));
    assert.ok(verify(null, message, createPublicKey(stored!.signPublicKey), signature));
    assert.equal(createPublicKey(stored!.signPublicKey).asymmetricKeyType, 'ed25519');

    const prices = await ProjectPrice.findAll({ where: { projectId: project.id }, order: [['sort', 'ASC']] });
    assert.deepEqual(
      prices.map((p) => [p.label, p.durationDays, p.unitPrice]),
      [
        ['1天', 1, '0.50'],
        ['永久', null, '30.00'],
      ],
    );
    const audit = await OperationLog.findOne({ where: { resource: 'projects', recordId: String(project.id) } });
    assert.ok(audit);
    assert.ok(!JSON.stringify(audit!.after).includes(appSecret));
  });

  it('uses given credentials, refuses non-super-admins, duplicates and bad prices', async () => {
    const { project, appSecret } = await createProject(
      { name: 'cp fixed', appKey: 'ak_fixed_0001', appSecret: 'fixed-secret-0123456789', prices: [{ label: '30天', durationDays: 30, unitPrice: '2' }] },
      null,
    );
    assert.equal(project.appKey, 'ak_fixed_0001');
    assert.equal(appSecret, 'fixed-secret-0123456789');
    await assert.rejects(
      createProject({ name: 'cp x', prices: [{ label: 'a', durationDays: 1, unitPrice: 1 }] }, { id: 99, role: 'agent_admin', parentId: null }),
      { status: 403 },
    );
    await assert.rejects(createProject({ name: 'CP FIXED', prices: [{ label: 'a', durationDays: 1, unitPrice: 1 }] }, null), { status: 409 });
    await assert.rejects(createProject({ name: 'cp y', prices: [] }, null), { status: 400 });
    await assert.rejects(createProject({ name: 'cp y', prices: [{ label: 'a', durationDays: 1, unitPrice: '-1' }] }, null), { status: 400 });
    await assert.rejects(
      createProject({ name: 'cp y', prices: [{ label: 'a', durationDays: 1, unitPrice: 1 }, { label: 'a', durationDays: 2, unitPrice: 1 }] }, null),
      { status: 400 },
    );
    assert.equal(await Project.count({ where: { name: 'cp y' } }), 0);
  });
});
