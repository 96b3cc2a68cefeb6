import { RateLimiterRes } from 'rate-limiter-flexible';
import { redisLimiter } from '../../lib/rateLimit.js';

const PER_HOUR = 5;

/**
 * Whether another identity email (verification resend, reset link) may go to `address` now.
 * Caps what one address can receive so the forms cannot be used to flood a mailbox; callers skip
 * silently when it says no, so the answer shown stays the same.
 */
export async function mayMail(kind: string, address: string): Promise<boolean> {
  const limiter = redisLimiter(['identity-mail', kind], PER_HOUR, 3600);
  try {
    await limiter.consume(address.toLowerCase());
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    throw err;
  }
}
