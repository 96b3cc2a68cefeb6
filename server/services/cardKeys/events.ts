import { createHash, randomBytes, sign } from 'node:crypto';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { config } from '../../config.js';
import { CallbackDelivery } from '../../models/index.js';
import { notFound } from '../../errors.js';
import { defineJob } from '../../queues/defineJob.js';
import { visibleUserIdsSql, type Actor } from '../../policies/actor.js';
import { db } from '../../db/index.js';
import { QueryTypes } from 'sequelize';
import { projectById } from '../projects/projectCredentials.js';

export type CardKeyEvent = 'activated' | 'unbound' | 'expired' | 'disabled' | 'enabled' | 'suspicious';

/**
 * Records a callback delivery for the project's callback URL (if it has one) and queues it. The
 * worker POSTs it signed with the project's Ed25519 key, retrying with exponential backoff.
 */
export async function emitCardKeyEvent(input: {
  event: CardKeyEvent;
  projectId: number;
  cardKeyId: number | null;
  code: string;
  data?: Record<string, unknown>;
}): Promise<CallbackDelivery | null> {
  const project = await projectById(input.projectId);
  if (!project?.callbackUrl) return null;
  const payload = {
    id: randomBytes(12).toString('hex'),
    event: input.event,
    app_key: project.appKey,
    card_key: input.code,
    occurred_at: new Date().toISOString(),
    ...input.data,
  };
  const delivery = await CallbackDelivery.create({
    projectId: project.id,
    cardKeyId: input.cardKeyId,
    event: input.event,
    url: project.callbackUrl,
    payload,
  });
  await enqueueDelivery(delivery.id, payload.id);
  return delivery;
}

/**
 * Queues a delivery's first attempt under a job id derived from its event id (random, unlike row ids
 * which a restored or reset database hands out again), so queueing it again
 * (requeueStrandedDeliveries) cannot create a second job while the first still exists.
 */
export async function enqueueDelivery(deliveryId: number, eventId: string): Promise<void> {
  await deliverCallbackJob.enqueue({ deliveryId }, { jobId: `delivery:${eventId}` });
}

/**
 * Deliveries are committed with the change they report (the activation inserts its row in the bind
 * statement) and queued just after: a process that dies in between leaves a pending row without a
 * job. This queues those again; rows whose job still waits are left alone by the job id.
 */
export async function requeueStrandedDeliveries(olderThanMs = 60_000): Promise<number> {
  const rows = await db().query<{ id: number; event_id: string }>(
    `SELECT id, payload ->> 'id' AS event_id FROM callback_deliveries
      WHERE status = 'pending' AND attempts = 0 AND created_at < now() - make_interval(secs => :age)
      ORDER BY id LIMIT 1000`,
    { replacements: { age: olderThanMs / 1000 }, type: QueryTypes.SELECT },
  );
  for (const r of rows) await enqueueDelivery(r.id, r.event_id);
  return rows.length;
}

/** The bytes a callback signature covers: `TIMESTAMP\nNONCE\nBODY`. */
export const callbackSigningString = (timestamp: string, nonce: string, body: string) => `${timestamp}\n${nonce}\n${body}`;

/**
 * One delivery attempt. Throws on anything but a 2xx so Bull retries with backoff; every attempt is
 * written to callback_deliveries. `finalAttempt` marks the delivery failed for good.
 */
export async function deliverCallback(deliveryId: number, finalAttempt: boolean): Promise<'delivered' | 'skipped'> {
  const delivery = await CallbackDelivery.findByPk(deliveryId);
  if (!delivery || delivery.status === 'delivered') return 'skipped';
  const project = await projectById(delivery.projectId);
  if (!project) return 'skipped';
  const body = JSON.stringify(delivery.payload);
  const timestamp = String(Date.now());
  const nonce = randomBytes(16).toString('hex');
  const signature = sign(null, Buffer.from(callbackSigningString(timestamp, nonce, body)), project.signKey).toString('base64');
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Seahorse-Event': delivery.event,
        'X-Seahorse-Delivery': String(delivery.id),
        'X-Timestamp': timestamp,
        'X-Nonce': nonce,
        'X-Signature': signature,
        'X-Body-Sha256': createHash('sha256').update(body).digest('hex'),
      },
      body,
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = (err as Error).message || String(err);
  }
  const ok = error === null;
  await delivery.update({
    attempts: delivery.attempts + 1,
    lastStatusCode: status,
    lastError: error,
    status: ok ? 'delivered' : finalAttempt ? 'failed' : 'pending',
    deliveredAt: ok ? new Date() : null,
  });
  if (!ok) throw new Error(`callback ${deliveryId} failed: ${error}`);
  return 'delivered';
}

/** Sends a logged delivery again (admin "replay"): same payload, fresh signature, new retry series. */
export async function replayCallback(actor: Actor, deliveryId: number): Promise<void> {
  authorize(actor, 'replay', 'callback_deliveries');
  const scope = visibleUserIdsSql(actor);
  const rows = await db().query<{ id: number }>(
    `SELECT d.id FROM callback_deliveries d LEFT JOIN card_keys k ON k.id = d.card_key_id
      WHERE d.id = :id ${scope ? `AND k.agent_id IN ${scope}` : ''}`,
    { replacements: { id: deliveryId }, type: QueryTypes.SELECT },
  );
  if (!rows[0]) throw notFound('回调记录不存在', 'DELIVERY_NOT_FOUND', 3407);
  await CallbackDelivery.update({ status: 'pending', lastError: null }, { where: { id: deliveryId } });
  // A new retry series: the first attempt's job id may still be held by its finished job.
  await deliverCallbackJob.enqueue({ deliveryId });
}

export const deliverCallbackJob = defineJob({
  name: 'callbacks.deliver',
  queue: 'callbacks',
  description: "POST one signed card-key event to its project's callback URL (retried with exponential backoff)",
  data: z.object({ deliveryId: z.number().int().positive() }),
  concurrency: 10,
  options: () => ({ attempts: config().CALLBACK_MAX_ATTEMPTS, backoff: { type: 'exponential', delay: config().CALLBACK_RETRY_DELAY_MS } }),
  run: async ({ deliveryId }, { finalAttempt }) => ({ deliveryId, result: await deliverCallback(deliveryId, finalAttempt) }),
});

export const requeueCallbacksJob = defineJob({
  name: 'callbacks.requeue',
  queue: 'callbacks',
  description: 'Queue callback deliveries that were committed but never queued (the web process died in between)',
  data: z.object({}),
  schedule: { every: 60_000 },
  run: async () => ({ requeued: await requeueStrandedDeliveries() }),
});
