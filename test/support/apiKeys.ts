import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../server/db/index.js';
import { AdminUser, ApiCatalogEntry, MiniUser } from '../../server/models/index.js';
import type { Actor } from '../../server/policies/actor.js';
import { createApiKey, type CreateApiKeyInput } from '../../server/services/apiKeys/createApiKey.js';
import { registerMeteringService } from '../../server/services/metering/meteringServices.js';
import { creditPoints, PointsOperation } from '../../server/services/points/index.js';
import { createAdminUser } from '../../server/services/identity/createAdminUser.js';

const DAY = 24 * 3600 * 1000;

export async function newMiniUser(points = 0, lots = 1): Promise<string> {
  const user = await MiniUser.create({ openid: `o_${randomUUID()}`, nickname: 'tester' });
  await creditLots(user.id, points, lots);
  return user.id;
}

/** Spreads `points` over `lots` lots with different expiries, so consumption crosses lots. */
export async function creditLots(userId: string, points: number, lots = 1): Promise<void> {
  let left = points;
  for (let i = 0; i < lots && left > 0; i++) {
    const share = i === lots - 1 ? left : Math.max(1, Math.floor(points / lots));
    left -= share;
    await inTransaction((t) =>
      creditPoints(
        { userId, points: share, source: 'admin_adjust', expiresAt: new Date(Date.now() + (10 + i) * DAY), operationType: PointsOperation.adminAdjust, memo: 'test' },
        t,
      ),
    );
  }
}

export async function newApi(pointsPerCall = 1, name = `api_${randomUUID().slice(0, 8)}`): Promise<ApiCatalogEntry> {
  return ApiCatalogEntry.create({ name, path: `/v1/${name}`, pointsPerCall, status: 1 });
}

/** A super admin to act as; looked up each time because other suites may empty the tables in between. */
export async function theSuperAdmin(): Promise<Actor> {
  const username = 'apikeys_root';
  const admin =
    (await AdminUser.findOne({ where: { username } })) ??
    (await createAdminUser({ username, password: 'Sup3r-secret-pass!', role: 'super_admin' }));
  return { id: admin.id, role: 'super_admin', parentId: null };
}

export interface ServiceCreds {
  id: number;
  clientId: string;
  secret: string;
  authorization: string;
}

export async function newService(): Promise<ServiceCreds> {
  const creds = await registerMeteringService(await theSuperAdmin(), { name: `svc_${randomUUID().slice(0, 8)}` });
  return { ...creds, authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.secret}`).toString('base64')}` };
}

export async function newKey(userId: string, input: Partial<CreateApiKeyInput> = {}): Promise<{ id: string; key: string }> {
  const created = await createApiKey({ userId }, { name: 'k', validityMonths: 1, ...input });
  return { id: created.id, key: created.key };
}

export interface ChargeBody {
  apiKey: string;
  apiName: string;
  callerIp: string;
  requestId?: string;
}

export async function charge(url: string, service: { authorization: string }, body: ChargeBody | unknown) {
  const res = await fetch(`${url}/open/v1/metering/charge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: service.authorization },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { success: boolean; code: number; reason?: string; data: any } };
}
