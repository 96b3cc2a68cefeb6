import { randomBytes, timingSafeEqual } from 'node:crypto';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import { MeteringService } from '../../models/index.js';
import { isSuperAdmin, type Actor } from '../../policies/actor.js';
import { recordOperation } from '../audit/operationLog.js';
import { publishInvalidation } from '../apiKeys/invalidation.js';
import { hashToken } from '../identity/tokens.js';

/**
 * API services that may charge points (`POST /open/v1/metering/charge`). Each has a public client id
 * and a 256-bit secret shown once; only the secret's SHA-256 is stored (it is random, so a fast hash
 * is enough). They authenticate with HTTP Basic: `Authorization: Basic base64(clientId:secret)`.
 */
export function hashServiceSecret(secret: string): string {
  return hashToken(secret);
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashServiceSecret(secret), 'hex');
  const b = Buffer.from(storedHash.trim(), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const newClientId = () => `svc_${randomBytes(12).toString('hex')}`;
const newSecret = () => `shsvc_${randomBytes(32).toString('base64url')}`;

export interface MeteringServiceCredentials {
  id: number;
  name: string;
  clientId: string;
  /** Shown once. */
  secret: string;
}

const serviceName = z.string().trim().min(1, '服务名称不能为空').max(64, '服务名称最多 64 个字符');

export async function registerMeteringService(actor: Actor, input: { name: string }, ip: string | null = null): Promise<MeteringServiceCredentials> {
  authorize(actor, 'registerService', 'metering_services');
  const name = serviceName.parse(input.name);
  const secret = newSecret();
  return inTransaction(async (t) => {
    if (await MeteringService.findOne({ where: { name }, transaction: t })) throw conflict('服务名称已存在', 'SERVICE_NAME_TAKEN', 3121);
    const row = await MeteringService.create({ name, clientId: newClientId(), secretHash: hashServiceSecret(secret), status: 1 }, { transaction: t });
    await recordOperation(
      { actor, action: 'metering_service.create', resource: 'metering_services', recordId: row.id, after: { name, clientId: row.clientId }, ip },
      t,
    );
    return { id: row.id, name, clientId: row.clientId, secret };
  });
}

export async function rotateMeteringServiceSecret(actor: Actor, id: number, ip: string | null = null): Promise<MeteringServiceCredentials> {
  authorize(actor, 'rotateSecret', 'metering_services');
  const secret = newSecret();
  const creds = await inTransaction(async (t) => {
    const row = await MeteringService.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
    if (!row) throw notFound('计费服务不存在', 'SERVICE_NOT_FOUND', 3122);
    await row.update({ secretHash: hashServiceSecret(secret) }, { transaction: t });
    await recordOperation({ actor, action: 'metering_service.rotate_secret', resource: 'metering_services', recordId: id, ip }, t);
    return { id, name: row.name, clientId: row.clientId, secret };
  });
  await publishInvalidation({ serviceClientIds: [creds.clientId] });
  return creds;
}

export async function setMeteringServiceEnabled(actor: Actor, id: number, enabled: boolean, ip: string | null = null): Promise<void> {
  authorize(actor, 'enable', 'metering_services');
  const clientId = await inTransaction(async (t) => {
    const row = await MeteringService.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
    if (!row) throw notFound('计费服务不存在', 'SERVICE_NOT_FOUND', 3122);
    const before = row.status === 1 ? 'enabled' : 'disabled';
    await row.update({ status: enabled ? 1 : 0 }, { transaction: t });
    await recordOperation(
      {
        actor,
        action: enabled ? 'metering_service.enable' : 'metering_service.disable',
        resource: 'metering_services',
        recordId: id,
        before: { status: before },
        after: { status: enabled ? 'enabled' : 'disabled' },
        ip,
      },
      t,
    );
    return row.clientId;
  });
  await publishInvalidation({ serviceClientIds: [clientId] });
}
