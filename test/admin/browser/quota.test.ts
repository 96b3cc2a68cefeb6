import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { QuotaTransfer, Withdrawal } from '../../../server/models/index.js';
import { transferQuota } from '../../../server/services/quota/index.js';
import { updateSetting } from '../../../server/services/systemConfig/systemConfig.js';
import { startBrowserWorld, type BrowserWorld } from '../../support/browser.js';
import type { TestServer } from '../../support/http.js';
import { account, events, fund, makeUser, type TestUser } from '../../support/quota.js';

const PASSWORD = 'abcd1234';

/**
 * The "done when", in a real browser on the production asset bundle: the super admin funds
 * an agent admin, who funds an agent, who transfers to another agent and requests a withdrawal that
 * the agent admin approves — every step through the quota action form.
 */
describe('quota in a browser (production assets)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let world: BrowserWorld;
  let root: TestUser;
  let admin: TestUser;
  let agentA: TestUser;
  let agentB: TestUser;

  before(async () => {
    root = await makeUser('qb_root', 'super_admin');
    admin = await makeUser('qb_adm', 'agent_admin');
    agentA = await makeUser('qb_agA', 'agent', admin.id);
    agentB = await makeUser('qb_agB', 'agent', admin.id);
    world = await startBrowserWorld();
    ({ server, browser } = world);
  });

  after(async () => {
    await world?.close();
  });

  async function logIn(user: TestUser): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${server.url}/admin/login`);
    await page.fill('input[name="email"]', user.username);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('form button');
    await page.waitForURL(`${server.url}/admin`);
    return { page, errors };
  }

  /** Opens an action page, fills the form and submits; returns once the action redirected (success) or showed its refusal. */
  async function submit(page: Page, url: string, fields: Record<string, string>): Promise<string | null> {
    await page.goto(`${server.url}${url}`);
    await page.locator('form[data-testid^="command-form-"]').waitFor();
    return fillAndSubmit(page, fields);
  }

  /** Fills the open form and submits; null once it redirected, else the refusal shown. */
  async function fillAndSubmit(page: Page, fields: Record<string, string>): Promise<string | null> {
    const form = page.locator('form[data-testid^="command-form-"]');
    for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).fill(value);
    const before = page.url();
    await page.click('[data-testid="command-form-submit"]');
    return Promise.race([
      page.waitForURL((u) => u.toString() !== before).then(() => null),
      page.locator('[data-testid="command-form-error"]').waitFor().then(async () => page.locator('[data-testid="command-form-error"]').innerText()),
    ]);
  }

  it('super admin → agent admin → agent → transfer → withdrawal approved by the agent admin', async () => {
    const superAdmin = await logIn(root);
    assert.equal(await submit(superAdmin.page, `/admin/resources/admin_users/records/${admin.id}/recharge`, { amount: '1000' }), null);
    assert.equal((await account(admin.id)).balance, '1000.00');

    const agentAdmin = await logIn(admin);
    // The 充值 button is on the agent's row for their own agent admin.
    await agentAdmin.page.goto(`${server.url}/admin/resources/admin_users/records/${agentA.id}/show`);
    await agentAdmin.page.locator(`a[href$="/records/${agentA.id}/recharge"], button:has-text("充值")`).first().waitFor();
    const tooMuch = await submit(agentAdmin.page, `/admin/resources/admin_users/records/${agentA.id}/recharge`, { amount: '5000' });
    assert.match(tooMuch ?? '', /额度不足/);
    assert.equal(await submit(agentAdmin.page, `/admin/resources/admin_users/records/${agentA.id}/recharge`, { amount: '600' }), null);
    assert.deepEqual([(await account(admin.id)).balance, (await account(agentA.id)).balance], ['400.00', '600.00']);

    const agent = await logIn(agentA);
    await agent.page.goto(`${server.url}/admin/resources/quota_transfers/actions/transfer`);
    assert.match(await agent.page.locator('[data-testid="command-form-account"]').innerText(), /600\.00/);
    const unknown = await submit(agent.page, '/admin/resources/quota_transfers/actions/transfer', { recipientUsername: 'no_such_user', amount: '10' });
    assert.match(unknown ?? '', /接收方用户不存在/);
    assert.equal(await submit(agent.page, '/admin/resources/quota_transfers/actions/transfer', { recipientUsername: agentB.username, amount: '150' }), null);
    assert.equal(
      await submit(agent.page, '/admin/resources/withdrawals/actions/requestWithdrawal', { amount: '200', accountInfo: '建设银行 6217 0000 张三' }),
      null,
    );
    assert.deepEqual(await account(agentA.id), { balance: '250.00', frozen: '200.00' });
    assert.equal((await account(agentB.id)).balance, '150.00');

    const withdrawal = (await Withdrawal.findOne({ where: { userId: agentA.id } }))!;
    assert.equal(
      await submit(agentAdmin.page, `/admin/resources/withdrawals/records/${withdrawal.id}/review`, { paymentReference: 'CCB-20261122-01' }),
      null,
    );
    assert.equal((await withdrawal.reload()).status, 'approved');
    assert.deepEqual(await account(agentA.id), { balance: '250.00', frozen: '0.00' });

    // Everyone's ledger page lists their own rows.
    await agent.page.goto(`${server.url}/admin/resources/quota_ledger`);
    await agent.page.locator('table tbody tr').first().waitFor();
    // recharge_in, transfer_freeze, transfer_out, withdrawal_freeze, withdrawal_paid
    assert.equal(await agent.page.locator('table tbody tr').count(), 5);

    assert.deepEqual(await events(agentA.id), [
      'quota.recharged',
      'quota.transfer_sent',
      'quota.withdrawal_requested',
      'quota.withdrawal_approved',
    ]);
    assert.ok((await events(agentB.id)).includes('quota.transfer_received'));
    assert.ok((await events(admin.id)).includes('quota.withdrawal_review_required'));

    // The top bar shows the unread count; the inbox lists them and marks them read.
    await agent.page.goto(`${server.url}/admin`);
    await agent.page.locator('[data-testid="notification-bell"][data-unread="4"]').waitFor();
    await agent.page.click('[data-testid="notification-bell"]');
    await agent.page.locator('[data-testid="notification-inbox"]').waitFor();
    assert.equal(await agent.page.locator('[data-testid="notification-item"][data-read="no"]').count(), 4);
    await agent.page.click('[data-testid="mark-all-read"]');
    await agent.page.locator('[data-testid="notification-item"][data-read="no"]').first().waitFor({ state: 'detached' });
    await agent.page.locator('[data-testid="notification-bell"][data-unread="0"]').waitFor();

    for (const session of [superAdmin, agentAdmin, agent]) assert.deepEqual(session.errors, []);
  });

  it('审核 offers 放行 / 拒绝 / 部分处理; the amount field appears for 部分处理 and lets part of a held transfer through', async () => {
    const sender = await makeUser('qb_snd', 'agent', admin.id);
    const recipient = await makeUser('qb_rcp', 'agent', admin.id);
    await fund(root, sender, '1000.00');
    await updateSetting('quota.transfer_review_threshold', 100, root);
    try {
      const held = await transferQuota({ actor: sender, recipientUsername: recipient.username, amount: '300' });
      const superAdmin = await logIn(root);
      const { page } = superAdmin;
      const openAndChoosePartial = async (): Promise<void> => {
        await page.goto(`${server.url}/admin/resources/quota_transfers/records/${held.transferId}/review`);
        const form = page.locator('form[data-testid="command-form-review"]');
        await form.waitFor();
        assert.equal(await form.locator('[data-testid="command-form-field-approvedAmount"]').count(), 0, 'no amount field for 放行');
        await form.locator('[data-testid="command-form-field-decision"]').click();
        for (const label of ['放行', '拒绝', '部分处理']) await page.getByText(label, { exact: true }).first().waitFor();
        await page.getByText('部分处理', { exact: true }).click();
        await form.locator('[data-testid="command-form-field-approvedAmount"]').waitFor();
      };

      await openAndChoosePartial();
      const tooMuch = await fillAndSubmit(page, { approvedAmount: '300', opinion: '部分核实' });
      assert.match(tooMuch ?? '', /必须小于转账额度 300\.00/);
      await openAndChoosePartial();
      assert.equal(await fillAndSubmit(page, { approvedAmount: '120', opinion: '部分核实' }), null);
      assert.equal((await QuotaTransfer.findByPk(held.transferId))!.status, 'partial');
      assert.deepEqual(await account(sender.id), { balance: '880.00', frozen: '0.00' });
      assert.deepEqual(await account(recipient.id), { balance: '120.00', frozen: '0.00' });
      assert.deepEqual(superAdmin.errors, []);
    } finally {
      await updateSetting('quota.transfer_review_threshold', 10000, root);
    }
  });
});
