import { config, setConfig, type Config } from '../../server/config.js';
import { QueryTypes } from 'sequelize';
import { db, inTransaction } from '../../server/db/index.js';
import type { Actor } from '../../server/policies/actor.js';
import { createProject, type PriceInput } from '../../server/services/projects/createProject.js';
import { grantAuthorization } from '../../server/services/projects/authorizations.js';
import { applyQuotaChanges } from '../../server/services/quota/ledger.js';
import { createAdminUser, type Role } from '../../server/services/identity/createAdminUser.js';
import { CardKeyClient } from '../../examples/client/cardKeyClient.js';
import type { Project } from '../../server/models/index.js';

export async function makeUser(username: string, role: Role, parentId: number | null = null): Promise<Actor> {
  const u = await createAdminUser({ username, password: 'abcd1234', role, parentId, email: `${username}@example.com` });
  return { id: u.id, role, parentId };
}

export async function recharge(userId: number, amount: string): Promise<void> {
  await inTransaction((t) => applyQuotaChanges([{ userId, type: 'system_recharge', balanceDelta: amount }], t));
}

export interface World {
  root: Actor;
  admin: Actor;
  agent: Actor;
  otherAgent: Actor;
  strayAgent: Actor;
  project: Project;
  appSecret: string;
}

/** Super admin, an agent admin with two agents, an agent of nobody, and a project authorized to the agents. */
export async function makeWorld(tag: string, options: { prices?: PriceInput[]; callbackUrl?: string; maxUnbinds?: number; unbindCooldownMinutes?: number; shareIpThreshold?: number } = {}): Promise<World> {
  const root = await makeUser(`${tag}_root`, 'super_admin');
  const admin = await makeUser(`${tag}_admin`, 'agent_admin');
  const agent = await makeUser(`${tag}_agent`, 'agent', admin.id);
  const otherAgent = await makeUser(`${tag}_agent2`, 'agent', admin.id);
  const strayAgent = await makeUser(`${tag}_stray`, 'agent');
  const { project, appSecret } = await createProject(
    {
      name: `${tag} project`,
      prices: options.prices ?? [
        { label: '1天', durationDays: 1, unitPrice: '1.00' },
        { label: '30天', durationDays: 30, unitPrice: '2.50' },
        { label: '永久', durationDays: null, unitPrice: '10.00' },
      ],
      callbackUrl: options.callbackUrl,
      maxUnbinds: options.maxUnbinds,
      unbindCooldownMinutes: options.unbindCooldownMinutes,
      shareIpThreshold: options.shareIpThreshold,
    },
    root,
  );
  for (const a of [agent, otherAgent, strayAgent]) await grantAuthorization({ actor: root, projectId: project.id, agentId: a.id });
  return { root, admin, agent, otherAgent, strayAgent, project, appSecret };
}

export function clientFor(baseUrl: string, world: Pick<World, 'project' | 'appSecret'>, appSecret = world.appSecret): CardKeyClient {
  return new CardKeyClient({ baseUrl, appKey: world.project.appKey, appSecret, publicKeyPem: world.project.signPublicKey });
}

/** Runs `fn` with some configuration values changed, restoring them after. */
export async function withConfig<T>(patch: Partial<Config>, fn: () => Promise<T>): Promise<T> {
  const before = config();
  setConfig({ ...before, ...patch });
  try {
    return await fn();
  } finally {
    setConfig(before);
  }
}

export { until } from './until.js';

export async function balanceOf(userId: number): Promise<string> {
  const [row] = await db().query<{ balance: string }>('SELECT balance FROM quota_accounts WHERE user_id = :userId', {
    replacements: { userId },
    type: QueryTypes.SELECT,
  });
  return row!.balance;
}
