import { createPrivateKey, type KeyObject } from 'node:crypto';
import { openSecret } from '../../lib/secretBox.js';
import { Project } from '../../models/index.js';
import { invalidationsLive, onInvalidation, startInvalidationListener } from '../cardKeys/invalidation.js';

/** What the open API needs of a project on every request, decrypted once and kept in memory. */
export interface ProjectCredentials {
  id: number;
  name: string;
  status: string;
  kind: string;
  appKey: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: number | null;
  signKey: KeyObject;
  publicKeyPem: string;
  callbackUrl: string | null;
  shareIpThreshold: number;
  loadedAt: number;
}

// Safety net only: every project change publishes an invalidation that drops the entry at once.
const TTL_MS = 60_000;
const byAppKey = new Map<string, ProjectCredentials>();
let listening = false;
// Bumped by every invalidation: a load that started before one must not be cached after it.
let generation = 0;

function listen(): void {
  if (listening) return;
  listening = true;
  void startInvalidationListener();
  onInvalidation((m) => {
    if ('codes' in m || 'batchId' in m) return;
    generation++;
    if ('all' in m) byAppKey.clear();
    else if ('projectId' in m) {
      for (const [k, p] of byAppKey) if (p.id === m.projectId) byAppKey.delete(k);
    }
  });
}

export function toCredentials(p: Project): ProjectCredentials {
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    kind: p.kind,
    appKey: p.appKey,
    secret: openSecret(p.appSecretEnc),
    previousSecret: p.previousSecretEnc ? openSecret(p.previousSecretEnc) : null,
    previousSecretUntil: p.previousSecretExpiresAt ? p.previousSecretExpiresAt.getTime() : null,
    signKey: createPrivateKey(openSecret(p.signPrivateKeyEnc)),
    publicKeyPem: p.signPublicKey,
    callbackUrl: p.callbackUrl,
    shareIpThreshold: p.shareIpThreshold,
    loadedAt: Date.now(),
  };
}

export async function projectByAppKey(appKey: string): Promise<ProjectCredentials | null> {
  listen();
  // While invalidations are not heard, a cached project could be stale: read the database.
  const cached = invalidationsLive() ? byAppKey.get(appKey) : undefined;
  if (cached && Date.now() - cached.loadedAt < TTL_MS) return cached;
  const started = generation;
  const row = await Project.findOne({ where: { appKey } });
  if (!row) return null;
  const creds = toCredentials(row);
  if (started === generation && invalidationsLive()) byAppKey.set(appKey, creds);
  return creds;
}

export async function projectById(projectId: number): Promise<ProjectCredentials | null> {
  listen();
  if (invalidationsLive()) for (const p of byAppKey.values()) if (p.id === projectId && Date.now() - p.loadedAt < TTL_MS) return p;
  const started = generation;
  const row = await Project.findByPk(projectId);
  if (!row) return null;
  const creds = toCredentials(row);
  if (started === generation && invalidationsLive()) byAppKey.set(row.appKey, creds);
  return creds;
}
