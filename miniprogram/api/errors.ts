import type { Messages } from '../i18n/index';
import { ApiError } from './client';

/**
 * What to tell the user about a failed call: a known refusal (by its stable reason code) in the
 * user's language; for input errors the server's own message (it names the field); otherwise a
 * sentence per HTTP status; network failures as such.
 */
export function userMessage(err: unknown, t: Messages): string {
  if (!(err instanceof ApiError)) return t.errors.server;
  if (err.reason === 'NETWORK') return t.errors.network;
  if (err.reason === 'TIMEOUT') return t.errors.timeout;
  const known = t.errors.byReason[err.reason];
  if (known) return known;
  if (err.status === 400) return err.serverMessage || t.errors.badRequest;
  if (err.status === 401) return t.errors.unauthorized;
  if (err.status === 403) return t.errors.forbidden;
  if (err.status === 404) return t.errors.notFound;
  if (err.status === 409) return err.serverMessage || t.errors.conflict;
  if (err.status === 429) return t.errors.tooMany;
  if (err.status === 502 || err.status === 503) return t.errors.unavailable;
  return t.errors.server;
}

/** A failure as a toast (never a blank page). */
export function toastError(err: unknown, t: Messages): void {
  wx.showToast({ title: userMessage(err, t), icon: 'none', duration: 2500 });
}
