import { QueryTypes, type Transaction } from 'sequelize';
import { say } from '../../i18n.js';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { ProjectAuthorization } from '../../models/index.js';
import { formatLocalTime } from '../identity/format.js';
import { notifyUsers } from '../notifications/index.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { defineJob } from '../../queues/defineJob.js';

/** Authorizations claimed per transaction: a run with many due rows commits in steps instead of holding them all. */
const BATCH = 200;

interface DueAuthorization {
  id: number;
  agentId: number;
  expiresAt: Date;
  projectName: string;
}

/**
 * Tells each agent, once per expiry, that a project authorization runs out within
 * `notification.authorization_expiry_days` (in-site and by email, like the other authorization
 * notifications, which go to the agent only).
 *
 * Only authorizations that still let the agent generate keys are considered: active, not yet
 * expired, of an active project and an active agent. A row is claimed by setting
 * `expiry_notified_at` in the same transaction that writes its notification, so concurrent runs
 * never notify twice (SKIP LOCKED lets them share the work; the re-checked `IS NULL` keeps out a
 * row another run has just committed). Re-granting or extending clears `expiry_notified_at`
 * (authorizations.ts), which makes the new expiry eligible for its own notice. A frozen agent or a
 * disabled project is skipped without being claimed, so the notice follows if they come back in time.
 */
export async function notifyExpiringAuthorizations(): Promise<{ notified: number }> {
  const days = await getSetting('notification.authorization_expiry_days');
  let notified = 0;
  for (;;) {
    const claimed = await inTransaction(async (t) => {
      const rows = await claimDue(days, t);
      for (const row of rows) {
        const until = formatLocalTime(new Date(row.expiresAt));
        await notifyUsers(
          {
            userIds: [row.agentId],
            event: 'project.authorization_expiring',
            title: say(`项目授权即将到期：${row.projectName}`, `Project authorization expiring: ${row.projectName}`),
            body: say(
              `您对项目「${row.projectName}」的授权将于 ${until} 到期，到期后将无法生成该项目的卡密。如需继续使用，请联系您的管理员续期。`,
              `Your authorization for the project "${row.projectName}" expires at ${until}; after that you cannot generate its card keys. Ask your admin to renew it if you still need it.`,
            ),
          },
          t,
        );
      }
      return rows.length;
    });
    notified += claimed;
    if (claimed < BATCH) return { notified };
  }
}

/** Marks the next batch of due authorizations as notified and returns them (with the project name) for the notices. */
async function claimDue(days: number, t: Transaction): Promise<DueAuthorization[]> {
  return ProjectAuthorization.sequelize!.query<DueAuthorization>(
    `WITH due AS (
       SELECT a.id
         FROM project_authorizations a
         JOIN projects p ON p.id = a.project_id
         JOIN admin_users u ON u.id = a.agent_id
        WHERE a.status = 'active'
          AND a.expiry_notified_at IS NULL
          AND a.expires_at > now()
          AND a.expires_at <= now() + make_interval(days => :days)
          AND p.status = 'active'
          AND u.status = 'active'
        ORDER BY a.expires_at, a.id
        LIMIT :batch
        FOR UPDATE OF a SKIP LOCKED
     )
     UPDATE project_authorizations a
        SET expiry_notified_at = now()
       FROM due, projects p
      WHERE a.id = due.id AND p.id = a.project_id AND a.expiry_notified_at IS NULL
     RETURNING a.id, a.agent_id AS "agentId", a.expires_at AS "expiresAt", p.name AS "projectName"`,
    { replacements: { days, batch: BATCH }, type: QueryTypes.SELECT, transaction: t },
  );
}

export const authorizationExpiryJob = defineJob({
  name: 'authorizations.expiry-notice',
  queue: 'notifications',
  description: 'Tell agents (in-site and by email) about project authorizations expiring within notification.authorization_expiry_days; once per expiry',
  schedule: { cron: '0 * * * *' },
  data: z.object({}).default({}),
  run: async () => notifyExpiringAuthorizations(),
});
