import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { db } from '../../server/db/index.js';
import { AdminUser, EmailMessage } from '../../server/models/index.js';
import { verifyPassword } from '../../server/services/identity/password.js';
import { JOBS } from '../../worker/index.js';
import { runCli, STACK_LINE } from './child.js';

describe('seahorse CLI (the real entry, as a child process)', function () {
  this.timeout(120_000);
  const suffix = randomBytes(3).toString('hex');
  const admin = `ops_admin_${suffix}`;
  const agent = `ops_agent_${suffix}`;

  it('user:create makes an agent admin and an agent under it', async () => {
    const created = await runCli(['user:create', '--username', admin, '--role', 'agent_admin', '--password', 'Start2026pass', '--email', `${admin}@example.com`]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, new RegExp(`Created agent_admin "${admin}"`));
    const parent = await AdminUser.findOne({ where: { username: admin } });
    assert.ok(parent && (await verifyPassword('Start2026pass', parent.passwordHash)));

    const child = await runCli(['user:create', '--username', agent, '--role', 'agent', '--parent', admin]);
    assert.equal(child.code, 0, child.stderr);
    const generated = /Password \(shown only now[^)]*\): (\S+)/.exec(child.stdout)?.[1];
    assert.ok(generated, 'a generated password is printed once');
    const row = await AdminUser.findOne({ where: { username: agent } });
    assert.equal(row!.parentId, parent.id);
    assert.equal(row!.mustChangePassword, true);
    assert.ok(await verifyPassword(generated, row!.passwordHash));
  });

  it('user mistakes exit 1 with one clear line and no stack trace', async () => {
    const duplicate = await runCli(['user:create', '--username', admin, '--role', 'agent_admin', '--password', 'Start2026pass']);
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /用户名已被使用/);
    assert.doesNotMatch(duplicate.stderr, STACK_LINE);

    const badRole = await runCli(['user:create', '--username', 'someone', '--role', 'king', '--password', 'Start2026pass']);
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /king/);

    const weak = await runCli(['user:reset-password', '--username', admin, '--password', 'short']);
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /密码不符合要求/);
    assert.doesNotMatch(weak.stderr, STACK_LINE);

    const nobody = await runCli(['user:reset-password', '--username', `nobody_${suffix}`]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /不存在/);
  });

  it('user:reset-password sets the given password, or prints a generated one, clears a lockout and ends the sessions', async () => {
    await AdminUser.update({ failedLoginCount: 5, lockedUntil: new Date(Date.now() + 15 * 60_000) }, { where: { username: admin } });
    const sessionOf = (userId: number) =>
      db().query(`SELECT sid FROM admin_sessions WHERE sess -> 'adminUser' ->> 'id' = :id`, { replacements: { id: String(userId) }, type: 'SELECT' });
    const before = (await AdminUser.findOne({ where: { username: admin } }))!;
    await db().query(`INSERT INTO admin_sessions (sid, sess, expire) VALUES (:sid, :sess, now() + interval '1 hour')`, {
      replacements: { sid: `cli_${suffix}`, sess: JSON.stringify({ cookie: {}, adminUser: { id: before.id, username: admin } }) },
    });
    assert.equal((await sessionOf(before.id)).length, 1);
    const given = await runCli(['user:reset-password', '--username', admin, '--password', 'Changed2026pass']);
    assert.equal(given.code, 0, given.stderr);
    assert.equal((await sessionOf(before.id)).length, 0, 'a live session of that user ends with the reset');
    let row = (await AdminUser.findOne({ where: { username: admin } }))!;
    assert.ok(await verifyPassword('Changed2026pass', row.passwordHash));
    assert.equal(row.failedLoginCount, 0);
    assert.equal(row.lockedUntil, null);
    assert.equal(row.mustChangePassword, false);

    const generated = await runCli(['user:reset-password', '--username', admin.toUpperCase()]);
    assert.equal(generated.code, 0, generated.stderr);
    const password = /New password \(shown only now[^)]*\): (\S+)/.exec(generated.stdout)?.[1];
    assert.ok(password);
    row = (await AdminUser.findOne({ where: { username: admin } }))!;
    assert.ok(await verifyPassword(password, row.passwordHash));
    assert.equal(row.mustChangePassword, true);
  });

  it('db:migrate reports an up-to-date schema; job:list lists the jobs; job:run runs a named job now (either spelling) and refuses unknown ones', async () => {
    const migrated = await runCli(['db:migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /up to date/);

    const listed = await runCli(['job:list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]), JOBS.map((j) => j.name));

    const to = `cli_${suffix}@example.com`;
    // The older spelling of email.test, as notes and scripts written before the rename have it.
    const sent = await runCli(['job:run', 'email:test', '--data', JSON.stringify({ to })]);
    assert.equal(sent.code, 0, sent.stderr);
    const message = await EmailMessage.findOne({ where: { toAddress: to } });
    assert.ok(message, 'the test email is recorded');

    const delivered = await runCli(['job:run', 'email.send', '--data', JSON.stringify({ messageId: message.id })]);
    assert.equal(delivered.code, 0, delivered.stderr);
    assert.match(delivered.stdout, /"outbox"/);
    assert.equal((await message.reload()).status, 'outbox', 'without SMTP_URL the message waits in the outbox');

    const unknown = await runCli(['job:run', 'no:such-job']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /没有名为 no:such-job 的任务。已有任务：email\.send, /);

    const badData = await runCli(['job:run', 'email:test', '--data', '{"to": 3']);
    assert.equal(badData.code, 1);
    assert.match(badData.stderr, /--data 不是有效的 JSON/);
  });
});
