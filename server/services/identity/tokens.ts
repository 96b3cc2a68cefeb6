import { createHash, randomBytes } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { badRequest } from '../../errors.js';
import { EmailToken } from '../../models/index.js';

export type TokenPurpose = 'verify_email' | 'reset_password' | 'set_password' | 'change_email';

export const hashToken = (raw: string): string => createHash('sha256').update(raw, 'utf8').digest('hex');

/**
 * A new single-use link token for `purpose`. Only its SHA-256 is stored, so a database leak
 * yields no usable links; every older unused token of the same purpose dies here, so only the
 * newest email works.
 */
export async function issueEmailToken(
  userId: number,
  purpose: TokenPurpose,
  ttlMs: number,
  t: Transaction,
  now: Date = new Date(),
): Promise<string> {
  await EmailToken.update(
    { usedAt: now },
    { where: { userId, purpose: purposeFamily(purpose), usedAt: null }, transaction: t },
  );
  const raw = randomBytes(32).toString('base64url');
  await EmailToken.create(
    { userId, purpose, tokenHash: hashToken(raw), expiresAt: new Date(now.getTime() + ttlMs) },
    { transaction: t },
  );
  return raw;
}

// A reset link and an onboarding set-password link both set the password: a newer one of either kills both.
function purposeFamily(purpose: TokenPurpose): TokenPurpose[] {
  return purpose === 'verify_email' ? ['verify_email'] : ['reset_password', 'set_password'];
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The token behind a link, or one 400 each for unknown/tampered, used (or replaced) and expired
 * links. Inside a transaction the row is locked, so two clicks at once cannot both use it.
 */
export async function inspectEmailToken(raw: unknown, purposes: TokenPurpose[], now: Date = new Date(), t?: Transaction): Promise<EmailToken> {
  const token =
    typeof raw === 'string' && TOKEN_SHAPE.test(raw)
      ? await EmailToken.findOne({
          where: { tokenHash: hashToken(raw), purpose: { [Op.in]: purposes } },
          transaction: t,
          lock: t ? t.LOCK.UPDATE : undefined,
        })
      : null;
  if (!token) throw badRequest('链接无效，请重新申请', 'LINK_INVALID', 2020);
  if (token.usedAt) throw badRequest('链接已使用或已失效，请重新申请', 'LINK_USED', 2021);
  if (token.expiresAt.getTime() <= now.getTime()) throw badRequest('链接已过期，请重新申请', 'LINK_EXPIRED', 2022);
  return token;
}

/** Uses a link token once: as inspectEmailToken, then marked used in the caller's transaction. */
export async function consumeEmailToken(raw: unknown, purposes: TokenPurpose[], t: Transaction, now: Date = new Date()): Promise<EmailToken> {
  const token = await inspectEmailToken(raw, purposes, now, t);
  await token.update({ usedAt: now }, { transaction: t });
  return token;
}
