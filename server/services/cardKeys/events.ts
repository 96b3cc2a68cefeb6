import { createHash, randomBytes, sign } from 'node:crypto';
import { authorize } from '../../policies/index.js';
import { z } from 'zod';
import { config } from '../../config.js';
import { postToTarget } from '../../lib/outboundTarget.js';
import { CallbackDelivery } from '../../models/index.js';
import { notFound } from '../../errors.js';
import { defineJob } from '../../queues/defineJob.js';
import { visibleUserIdsSql, type Actor } from '../../policies/actor.js';
import { db } from '../../db/index.js';
import { withWorkLock } from '../../db/workLock.js';
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

/**
 * After a Redis loss: every pending delivery is queued again (none of their jobs survived; retries
 * in backoff included). The job id of a delivery's first series makes a second sweep add nothing,
 * and the work lock keeps a duplicate from posting while another attempt runs.
 */
export async function requeuePendingDeliveries(): Promise<number> {
  const rows = await db().query<{ id: number; event_id: string }>(
    `SELECT id, payload ->> 'id' AS event_id FROM callback_deliveries WHERE status = 'pending' ORDER BY id LIMIT 5000`,
    { type: QueryTypes.SELECT },
  );
  for (const r of rows) await enqueueDelivery(r.id, r.event_id);
  return rows.length;
}

/** The bytes a callback signature covers: `TIMESTAMP\nNONCE\nBODY`. */
export const callbackSigningString = (timestamp: string, nonce: string, body: string) => `${timestamp}\n${nonce}\n${body}`;

/** What a delivery row says about an attempt cut short by a stopped worker. */
export const INTERRUPTED_NOTE = 'the worker stopped during this attempt (the receiver may have got it; event ids let it tell)';

/**
 * One delivery attempt. Throws on anything but a 2xx so Bull retries with backoff. Every POST is
 * one attempt on the record: the attempt is counted (and `attempt_started_at` set) and committed
 * before the request, under the delivery's work lock, and its outcome written after. A row found
 * with an attempt started and its lock free was left by a process that died mid-request: that
 * attempt stays counted, noted as interrupted, and this run makes the next one. `finalAttempt`
 * marks the delivery failed for good.
 */
export async function deliverCallback(deliveryId: number, finalAttempt: boolean): Promise<'delivered' | 'skipped' | 'busy'> {
  let failed: string | undefined;
  const outcome = await withWorkLock(`callback:${deliveryId}`, async (): Promise<'delivered' | 'skipped'> => {
    const delivery = await CallbackDelivery.findByPk(deliveryId);
    if (!delivery || delivery.status === 'delivered') return 'skipped';
    const project = await projectById(delivery.projectId);
    if (!project) return 'skipped';
    if (delivery.attemptStartedAt) await delivery.update({ attemptStartedAt: null, lastError: INTERRUPTED_NOTE, lastStatusCode: null });
    await delivery.update({ attempts: delivery.attempts + 1, attemptStartedAt: new Date() });
    const body = JSON.stringify(delivery.payload);
    const timestamp = String(Date.now());
    const nonce = randomBytes(16).toString('hex');
    const signature = sign(null, Buffer.from(callbackSigningString(timestamp, nonce, body)), project.signKey).toString('base64');
    // Only the status or a coarse failure is kept: the remote's text (or an internal service's banner,
    // had a URL slipped past the checks) never reaches the database or the admin.
    const answer = await postToTarget(
      delivery.url,
      {
        'Content-Type': 'application/json',
        'X-Seahorse-Event': delivery.event,
        'X-Seahorse-Delivery': String(delivery.id),
        'X-Seahorse-Attempt': String(delivery.attempts),
        'X-Timestamp': timestamp,
        'X-Nonce': nonce,
        'X-Signature': signature,
        'X-Body-Sha256': createHash('sha256').update(body).digest('hex'),
      },
      body,
      10_000,
    );
    const status = 'status' in answer ? answer.status : null;
    const error = 'failure' in answer ? answer.failure : status !== null && (status < 200 || status > 299) ? `HTTP ${status}` : null;
    const ok = error === null;
    await delivery.update({
      attemptStartedAt: null,
      lastStatusCode: status,
      lastError: error,
      status: ok ? 'delivered' : finalAttempt ? 'failed' : 'pending',
      deliveredAt: ok ? new Date() : null,
    });
    if (!ok) failed = error!;
    return 'delivered';
  }, 'busy' as const);
  if (failed !== undefined) throw new Error(`callback ${deliveryId} failed: ${failed}`);
  return outcome;
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
