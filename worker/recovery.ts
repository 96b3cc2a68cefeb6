import type { Logger } from 'pino';
import { config } from '../server/config.js';
import type { JobHandle } from '../server/queues/defineJob.js';
import { queue, type QueueName } from '../server/queues/queue.js';
import { redis, redisKey } from '../server/redis.js';
import { requeueStrandedDeliveries, requeuePendingDeliveries } from '../server/services/cardKeys/events.js';
import { resumeExports } from '../server/services/cardKeys/exportCardKeys.js';
import { resumeStuckBatches } from '../server/services/cardKeys/generateCardKeys.js';
import { requeueEmails, settleInterruptedEmails } from '../server/services/email/deliverEmail.js';
import { resumePaymentMessages } from '../server/services/orders/paymentMessage.js';
import { syncSchedules } from './schedules.js';
import { writeSystemLog } from './systemLog.js';

export type SweepReason = 'start' | 'redis-lost';

/**
 * Puts back on the queues whatever PostgreSQL says is still to do. Every line is harmless when
 * repeated or when the work is already queued: job ids (batches, exports, payment messages,
 * callbacks) make a second enqueue add nothing, and the delivery jobs claim their row under a work
 * lock (emails, callbacks), so a duplicated job finds the work done or in progress.
 * At start the lines only catch what fell between a commit and its enqueue; after a Redis loss
 * every pending row is queued again, since no job of them survived.
 */
export async function recoverPendingWork(reason: SweepReason): Promise<Record<string, number>> {
  const lost = reason === 'redis-lost';
  return {
    emailsSettled: await settleInterruptedEmails(),
    emails: await requeueEmails({ staleMinutes: lost ? 0 : 30 }),
    callbacks: lost ? await requeuePendingDeliveries() : await requeueStrandedDeliveries(),
    batches: await resumeStuckBatches(0),
    exports: await resumeExports(),
    paymentMessages: await resumePaymentMessages(),
  };
}

/** A key every worker keeps in Redis: its absence means Redis lost its data (restarted empty, failover). */
const sentinelKey = () => redisKey('worker', 'alive');

/** The schedules `jobs` declare, counted per queue, compared with what Bull holds. */
async function schedulesMissing(jobs: readonly JobHandle[], queues: readonly QueueName[]): Promise<boolean> {
  for (const name of queues) {
    const want = jobs.filter((j) => j.queue === name && j.schedule).length;
    if (want && (await queue(name).getRepeatableJobs()).length < want) return true;
  }
  return false;
}

export interface Watch {
  /** Runs one check now (also what the timer and the reconnect do). */
  check(): Promise<void>;
  stop(): void;
}

/**
 * Keeps the worker's state in Redis: at start, on every reconnect and every WORKER_WATCH_MS, it
 * checks the sentinel key and the repeatable schedules. Redis emptied → the schedules are
 * registered again and the recovery sweep runs (by the worker that put the sentinel back, SET NX;
 * the others only re-register, which is idempotent). A schedule missing alone → re-registered.
 * Errors (Redis still down) are logged and the next tick tries again.
 */
export function watchRedis(jobs: readonly JobHandle[], queues: readonly QueueName[], log: Logger, recover = true): Watch {
  let running: Promise<void> | undefined;
  let again = false;
  let started = false;
  const once = async () => {
    const emptied = (await redis().set(sentinelKey(), String(process.pid), 'NX')) === 'OK';
    if (!started) {
      // At start: the full sweep when Redis holds nothing of ours (first start, or it was emptied
      // while no worker ran), else only what fell between a commit and its enqueue.
      await syncSchedules(jobs, queues);
      const counts = recover ? await recoverPendingWork(emptied ? 'redis-lost' : 'start') : {};
      started = true;
      log.info({ counts, full: emptied }, 'recovery sweep at start');
      return;
    }
    if (emptied) {
      await syncSchedules(jobs, queues);
      const counts = recover ? await recoverPendingWork('redis-lost') : {};
      log.warn({ counts }, 'Redis lost its data: schedules registered again, pending work queued again');
      await writeSystemLog('warn', 'worker:recovery', 'Redis 数据丢失：已重新登记定时任务并重新排队待办工作 / Redis lost its data: schedules registered again, pending work queued again', counts);
    } else if (await schedulesMissing(jobs, queues)) {
      await syncSchedules(jobs, queues);
      log.warn('repeatable schedules were missing: registered again');
    }
  };
  const check = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await once();
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'schedule check failed (Redis or PostgreSQL unavailable?); will retry');
        }
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void check(), config().WORKER_WATCH_MS);
  timer.unref();
  const onReady = () => void check();
  redis().on('ready', onReady);
  return {
    check,
    stop() {
      clearInterval(timer);
      redis().off('ready', onReady);
    },
  };
}
