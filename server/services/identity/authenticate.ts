import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { QueryTypes } from 'sequelize';
import { db, inTransaction } from '../../db/index.js';
import { AppError, tooMany } from '../../errors.js';
import { joinLocalized, say, type Localized } from '../../i18n.js';
import { AdminUser, LoginLog } from '../../models/index.js';
import { networkOf } from '../../lib/clientAddress.js';
import { redisLimiter } from '../../lib/rateLimit.js';
import { redis, redisKey } from '../../redis.js';
import { recordOperation } from '../audit/operationLog.js';
import { getSetting } from '../systemConfig/systemConfig.js';
import { usernameIs } from './createAdminUser.js';
import { verifyAgainstDecoy, verifyPassword } from './password.js';
import { noteAccountLocked, noteSuccessfulLogin } from '../security/loginAnomalies.js';
import { checkCaptcha } from './captcha.js';
import { formatLocalTime } from './format.js';

export interface LoginAttempt {
  username: unknown;
  password: unknown;
  captchaId?: unknown;
  captchaAnswer?: unknown;
  ip?: string | null;
  userAgent?: string | null;
  /** The clock; tests move it instead of waiting for a lock to expire. */
  now?: Date;
}

/** Why a login was refused; `details.captchaRequired` tells the page to show a captcha next time. */
export interface LoginRefusalDetails {
  captchaRequired: boolean;
  lockedUntil?: string;
}

export type LoginReason =
  | 'success'
  | 'rate_limited'
  | 'missing_fields'
  | 'captcha_required'
  | 'captcha_invalid'
  | 'wrong_password'
  | 'unknown_user'
  | 'locked'
  | 'frozen'
  | 'pending';

const refusal = (status: number, code: number, reason: string, message: Localized, details: LoginRefusalDetails) =>
  new AppError(status, code, reason, message, details);

const lockedMessage = (until: Date) =>
  say(`账号已被锁定，请于 ${formatLocalTime(until)} 之后再试`, `The account is locked; try again after ${formatLocalTime(until)}`);

/** State of an account's consecutive failures: from admin_users, or from Redis for names that do not exist. */
interface FailureState {
  count: number;
  lockedUntil: Date | null;
}

// Unknown usernames get the same captcha and lock answers as real ones, so the answers do not reveal
// which usernames exist. Nothing is there to protect, so Redis (lost on restart) is good enough.
const unknownKey = (username: string) => redisKey('login-unknown', username.toLowerCase());

async function unknownState(username: string): Promise<FailureState> {
  const h = await redis().hgetall(unknownKey(username));
  return { count: Number(h.count ?? 0), lockedUntil: h.lockedUntil ? new Date(Number(h.lockedUntil)) : null };
}

/** The username as the login check reads it (what the form sent, trimmed, at most 64 characters). */
const loginName = (raw: unknown): string => (typeof raw === 'string' ? raw.trim().slice(0, 64) : '');

/** A lock that has ended leaves no failures behind: the next wrong password starts counting from zero. */
const current = (state: FailureState, now: Date): FailureState =>
  state.lockedUntil && state.lockedUntil.getTime() <= now.getTime() ? { count: 0, lockedUntil: null } : state;

async function failureState(username: string, now = new Date()): Promise<{ user: AdminUser | null; state: FailureState }> {
  const user = await AdminUser.findOne({ where: usernameIs(username) });
  return { user, state: current(user ? { count: user.failedLoginCount, lockedUntil: user.lockedUntil } : await unknownState(username), now) };
}

/** How long a network the owner logged in from stays "known". */
const KNOWN_NETWORK_DAYS = 90;

/**
 * Whether the account's owner has logged in successfully from this network (IPv4 /24, IPv6 /64)
 * in the last 90 days. A lock caused by failures is meant for strangers: it does not shut out the
 * owner at a known network, so an attacker elsewhere cannot keep the owner out by failing on purpose.
 */
async function isKnownNetwork(userId: number, ip: string | null, now: Date): Promise<boolean> {
  if (!ip) return false;
  const rows = await db().query<{ ip: string }>(
    `SELECT DISTINCT ip FROM login_logs
      WHERE user_id = :userId AND success AND ip IS NOT NULL AND created_at > :since
      LIMIT 500`,
    { replacements: { userId, since: new Date(now.getTime() - KNOWN_NETWORK_DAYS * 86_400_000) }, type: QueryTypes.SELECT },
  );
  const network = networkOf(ip);
  return rows.some((r) => networkOf(r.ip) === network);
}

/**
 * Whether the next login attempt for `username` must carry a captcha — what `authenticate` would
 * answer in `details.captchaRequired`, read without making an attempt, so the login page shows the
 * captcha exactly when it will be asked for. It reads the same per-username counter for every
 * name (admin_users for existing ones, Redis for the rest), so it tells nothing about which
 * usernames exist; an empty name never needs one (the check refuses it before the captcha).
 */
export async function loginNeedsCaptcha(rawUsername: unknown, now = new Date()): Promise<boolean> {
  const username = loginName(rawUsername);
  if (!username) return false;
  const [{ state }, captchaAfter] = await Promise.all([failureState(username, now), getSetting('security.login_captcha_after')]);
  return (state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime()) || state.count >= captchaAfter;
}

async function ipLimiter(): Promise<RateLimiterRedis> {
  return redisLimiter('login-ip', await getSetting('security.login_ip_max_per_minute'), 60);
}

/**
 * The one login check every login form uses: per-IP throttle, lock, captcha after repeated
 * failures, password, account status. Counters live in admin_users (shared by every web process,
 * kept across restarts); every attempt is written to login_logs. Returns the user on success,
 * otherwise throws an AppError whose message can be shown as is.
 */
export async function authenticate(attempt: LoginAttempt): Promise<AdminUser> {
  const now = attempt.now ?? new Date();
  const username = loginName(attempt.username);
  const password = typeof attempt.password === 'string' ? attempt.password : '';
  const ip = attempt.ip?.slice(0, 64) ?? null;
  const log = (reason: LoginReason, userId: number | null = null) =>
    LoginLog.create({ username: username || '-', userId, ip, userAgent: attempt.userAgent?.slice(0, 1000) ?? null, success: reason === 'success', reason });

  // Every attempt takes a point first (atomic, so a burst of parallel guesses is cut off too);
  // a successful login gives it back, so busy offices behind one IP are only limited when failing.
  const limiter = await ipLimiter();
  const ipKey = ip ?? 'unknown';
  try {
    await limiter.consume(ipKey);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    await log('rate_limited');
    const seconds = Math.ceil(err.msBeforeNext / 1000);
    throw tooMany(say(`登录尝试过于频繁，请 ${seconds} 秒后再试`, `Too many login attempts; try again in ${seconds} seconds`), 'LOGIN_RATE_LIMITED', 2036);
  }

  if (!username || !password) {
    await log('missing_fields');
    throw refusal(400, 2029, 'MISSING_FIELDS', say('请输入用户名和密码', 'Please enter your username and password'), { captchaRequired: false });
  }

  const [captchaAfter, lockAfter, lockMinutes] = await Promise.all([
    getSetting('security.login_captcha_after'),
    getSetting('security.login_lock_after'),
    getSetting('security.login_lock_minutes'),
  ]);
  const { user, state } = await failureState(username, now);
  const userId = user?.id ?? null;

  const lockActive = state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
  // The owner at a network they logged in from before is not shut out by strangers' failures.
  const knownNetwork = lockActive && user !== null && (await isKnownNetwork(user.id, ip, now));
  if (state.lockedUntil && lockActive && !knownNetwork) {
    await log('locked', userId);
    throw refusal(403, 2033, 'ACCOUNT_LOCKED', lockedMessage(state.lockedUntil), {
      captchaRequired: true,
      lockedUntil: state.lockedUntil.toISOString(),
    });
  }
  if (state.count >= captchaAfter) {
    if (attempt.captchaId === undefined || attempt.captchaAnswer === undefined || attempt.captchaAnswer === '') {
      await log('captcha_required', userId);
      throw refusal(400, 2031, 'CAPTCHA_REQUIRED', say('请输入验证码', 'Please enter the captcha'), { captchaRequired: true });
    }
    if (!(await checkCaptcha(attempt.captchaId, attempt.captchaAnswer))) {
      await log('captcha_invalid', userId);
      throw refusal(400, 2032, 'CAPTCHA_INVALID', say('验证码错误，请重新输入', 'The captcha was wrong, please try again'), { captchaRequired: true });
    }
  }

  const passwordOk = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDecoy(password);
  if (!user || !passwordOk) {
    const after = user ? await recordUserFailure(user, lockAfter, lockMinutes, ip, now) : await recordUnknownFailure(username, lockAfter, lockMinutes, now);
    await log(user ? 'wrong_password' : 'unknown_user', userId);
    if (after.lockedUntil && after.lockedUntil.getTime() > now.getTime() && !knownNetwork) {
      throw refusal(403, 2033, 'ACCOUNT_LOCKED', joinLocalized([say(`密码连续错误 ${lockAfter} 次，`, `${lockAfter} wrong passwords in a row. `), lockedMessage(after.lockedUntil)]), {
        captchaRequired: true,
        lockedUntil: after.lockedUntil.toISOString(),
      });
    }
    throw refusal(401, 2030, 'BAD_CREDENTIALS', say('用户名或密码错误', 'Wrong username or password'), { captchaRequired: knownNetwork || after.count >= captchaAfter });
  }

  if (user.status === 'frozen') {
    await log('frozen', user.id);
    throw refusal(403, 2034, 'ACCOUNT_FROZEN', say('账号已被冻结，请联系管理员', 'The account is frozen; please contact your administrator'), { captchaRequired: false });
  }
  if (user.status === 'pending') {
    await log('pending', user.id);
    throw refusal(403, 2035, 'ACCOUNT_PENDING', say('邮箱尚未验证，请先点击验证邮件中的链接（可在注册页重新发送）', 'Your email address is not verified yet: open the link in the verification email (you can resend it from the registration page)'), { captchaRequired: false });
  }

  await user.update({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: now, lastLoginIp: ip });
  await log('success', user.id);
  await limiter.reward(ipKey, 1);
  await noteSuccessfulLogin({ user, ip, userAgent: attempt.userAgent ?? null, now });
  return user;
}

/** One more consecutive failure, counted atomically in the row so parallel attempts on several processes all count. */
async function recordUserFailure(user: AdminUser, lockAfter: number, lockMinutes: number, ip: string | null, now: Date): Promise<FailureState> {
  return inTransaction(async (t) => {
    const [row] = await db().query<{ failed_login_count: number; locked_until: Date | null; just_locked: boolean }>(
      `UPDATE admin_users
          SET failed_login_count = CASE WHEN locked_until <= CAST(:now AS timestamptz) THEN 1 ELSE failed_login_count + 1 END,
              locked_until = CASE
                WHEN locked_until <= CAST(:now AS timestamptz) THEN CASE WHEN 1 >= :lockAfter THEN CAST(:lockEnd AS timestamptz) END
                WHEN locked_until > CAST(:now AS timestamptz) THEN locked_until
                WHEN failed_login_count + 1 >= :lockAfter THEN CAST(:lockEnd AS timestamptz)
              END,
              updated_at = now()
        WHERE id = :id
        RETURNING failed_login_count, locked_until, (failed_login_count = :lockAfter) AS just_locked`,
      {
        replacements: { id: user.id, lockAfter, now, lockEnd: new Date(now.getTime() + lockMinutes * 60_000) },
        type: QueryTypes.SELECT,
        transaction: t,
      },
    );
    if (row!.just_locked) {
      await recordOperation(
        {
          actor: null,
          ownerId: user.id,
          action: 'lock',
          resource: 'admin_users',
          recordId: user.id,
          after: { failedLoginCount: row!.failed_login_count, lockedUntil: row!.locked_until },
          ip,
        },
        t,
      );
      await noteAccountLocked({ user, lockedUntil: new Date(row!.locked_until!), failures: row!.failed_login_count, ip }, t);
    }
    return { count: row!.failed_login_count, lockedUntil: row!.locked_until ? new Date(row!.locked_until) : null };
  });
}

async function recordUnknownFailure(username: string, lockAfter: number, lockMinutes: number, now: Date): Promise<FailureState> {
  const key = unknownKey(username);
  const previous = await unknownState(username);
  if (previous.lockedUntil && previous.lockedUntil.getTime() <= now.getTime()) await redis().del(key);
  const count = await redis().hincrby(key, 'count', 1);
  let lockedUntil: Date | null = null;
  if (count >= lockAfter) {
    lockedUntil = new Date(now.getTime() + lockMinutes * 60_000);
    await redis().hset(key, 'lockedUntil', String(lockedUntil.getTime()));
  }
  await redis().expire(key, 24 * 3600);
  return { count, lockedUntil };
}
