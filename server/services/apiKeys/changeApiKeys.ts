import { QueryTypes, type Transaction } from 'sequelize';
import { authorize } from '../../policies/index.js';
import { inTransaction } from '../../db/index.js';
import { ApiKey } from '../../models/index.js';
import { miniUserActor } from '../../policies/actor.js';
import { auditKeyEvent, type KeyActor } from './actor.js';
import { apiKeyName } from './createApiKey.js';
import { publishInvalidation } from './invalidation.js';
import { apiKeyNotFound } from './keyStats.js';

/** At most this many keys in one batch request. */
export const MAX_BATCH = 100;

interface KeyRow {
  id: string;
  user_id: string;
  name: string;
  status: number;
  key_hash: string;
}

/**
 * Locks the live keys `actor` may change, all or nothing: a mini-program user only their own, a
 * super admin any. An id that is missing, deleted or someone else's is "not found" (never "forbidden":
 * that would confirm it exists), and nothing is changed.
 */
export async function lockKeys(actor: KeyActor, ids: string[], t: Transaction): Promise<KeyRow[]> {
  const who = actor.kind === 'admin' ? actor.admin : miniUserActor(actor.userId);
  authorize(who, 'manage', 'meta_auth_key');
  const unique = [...new Set(ids)];
  const rows = await ApiKey.sequelize!.query<KeyRow>(
    `SELECT id, user_id, name, status, key_hash FROM meta_auth_key WHERE id IN (:ids) AND deleted_at IS NULL ORDER BY id FOR UPDATE`,
    { replacements: { ids: unique }, type: QueryTypes.SELECT, transaction: t },
  );
  // A mini-program user's rule holds for their own keys only: another's is "not found", like a missing one.
  for (const row of rows) authorize(who, 'manage', 'meta_auth_key', { userId: row.user_id });
  if (rows.length !== unique.length) throw apiKeyNotFound();
  return rows;
}

const stateOf = (status: number) => (status === 1 ? 'enabled' : 'disabled');

/** Enables or disables keys; takes effect for every process as soon as this returns. */
export async function setApiKeysEnabled(actor: KeyActor, ids: string[], enabled: boolean): Promise<{ changed: number }> {
  const hashes: string[] = [];
  const changed = await inTransaction(async (t) => {
    const rows = await lockKeys(actor, ids, t);
    const target = enabled ? 1 : 0;
    const toChange = rows.filter((r) => r.status !== target);
    if (toChange.length === 0) return 0;
    await ApiKey.update({ status: target }, { where: { id: toChange.map((r) => r.id) }, transaction: t });
    for (const row of toChange) {
      hashes.push(row.key_hash);
      await auditKeyEvent(
        actor,
        { action: enabled ? 'api_key.enable' : 'api_key.disable', keyId: row.id, before: { status: stateOf(row.status), userId: row.user_id }, after: { status: stateOf(target), userId: row.user_id } },
        t,
      );
    }
    return toChange.length;
  });
  if (hashes.length) await publishInvalidation({ keyHashes: hashes });
  return { changed };
}

/** Soft-deletes keys: they vanish from lists and are refused like unknown keys; ledger rows keep pointing at them. */
export async function deleteApiKeys(actor: KeyActor, ids: string[]): Promise<{ deleted: number }> {
  const hashes: string[] = [];
  const deleted = await inTransaction(async (t) => {
    const rows = await lockKeys(actor, ids, t);
    await ApiKey.update({ deletedAt: new Date() }, { where: { id: rows.map((r) => r.id) }, transaction: t });
    for (const row of rows) {
      hashes.push(row.key_hash);
      await auditKeyEvent(actor, { action: 'api_key.delete', keyId: row.id, before: { name: row.name, status: stateOf(row.status), userId: row.user_id }, after: null }, t);
    }
    return rows.length;
  });
  await publishInvalidation({ keyHashes: hashes });
  return { deleted };
}

/** Renames and/or enables/disables one key, in one transaction (PATCH /api/v1/api-keys/:id). */
export async function updateApiKey(actor: KeyActor, id: string, patch: { name?: string; enabled?: boolean }): Promise<{ id: string; name: string; enabled: boolean }> {
  const newName = patch.name === undefined ? undefined : apiKeyName.parse(patch.name);
  let changedHash: string | null = null;
  const result = await inTransaction(async (t) => {
    const [row] = await lockKeys(actor, [id], t);
    const key = row!;
    if (newName !== undefined && newName !== key.name) {
      await ApiKey.update({ name: newName }, { where: { id }, transaction: t });
      await auditKeyEvent(actor, { action: 'api_key.rename', keyId: id, before: { name: key.name }, after: { name: newName } }, t);
    }
    const target = patch.enabled === undefined ? key.status : patch.enabled ? 1 : 0;
    if (target !== key.status) {
      await ApiKey.update({ status: target }, { where: { id }, transaction: t });
      await auditKeyEvent(
        actor,
        { action: target === 1 ? 'api_key.enable' : 'api_key.disable', keyId: id, before: { status: stateOf(key.status), userId: key.user_id }, after: { status: stateOf(target), userId: key.user_id } },
        t,
      );
      changedHash = key.key_hash;
    }
    return { id, name: newName ?? key.name, enabled: target === 1 };
  });
  if (changedHash) await publishInvalidation({ keyHashes: [changedHash] });
  return result;
}
