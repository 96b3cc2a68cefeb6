import { AppError } from '../server/errors.js';
import { asLang } from '../server/i18n.js';
import { actorFromSession } from '../server/policies/access.js';
import { dashboardData } from '../server/services/stats/dashboard.js';

/**
 * AdminJS dashboard handler (GET /admin/api/dashboard?range=day|week|month|year[&from&to]): the
 * landing figures and chart series of the logged-in role, from server/services/stats. A bad range
 * answers `{ error }` (AdminJS turns a thrown error into a 500).
 */
export async function dashboardHandler(request: { query?: Record<string, unknown> }, response: { status?: (n: number) => unknown } | undefined, context: { currentAdmin?: unknown }) {
  const actor = actorFromSession(context.currentAdmin);
  if (!actor) return { role: null, username: '', figures: [] };
  const admin = context.currentAdmin as { username?: string; locale?: string };
  const { range, from, to } = request?.query ?? {};
  try {
    return { username: admin.username ?? '', ...(await dashboardData(actor, { range, from, to })) };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    response?.status?.(err.status);
    return { role: actor.role, username: admin.username ?? '', figures: [], error: err.messageIn(asLang(admin.locale)) };
  }
}
