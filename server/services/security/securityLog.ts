import type { Transaction } from 'sequelize';
import { SecurityEvent } from '../../models/index.js';

export type SecurityEventKind = 'new_network' | 'new_browser' | 'account_locked' | 'sensitive_ops_limited';

export interface SecurityEventInput {
  userId: number | null;
  kind: SecurityEventKind;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one row to the security log (安全日志), in the caller's transaction when given. */
export async function recordSecurityEvent(event: SecurityEventInput, t?: Transaction): Promise<SecurityEvent> {
  return SecurityEvent.create(
    {
      userId: event.userId,
      kind: event.kind,
      ip: event.ip?.slice(0, 64) ?? null,
      userAgent: event.userAgent?.slice(0, 1000) ?? null,
      details: event.details ?? null,
    },
    { transaction: t },
  );
}
