import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { redisLimiter } from '../../lib/rateLimit.js';
import { handle } from '../../http/envelope.js';
import { adminSession, SESSION_COOKIE } from '../../services/identity/adminSessions.js';
import { loginNeedsCaptcha } from '../../services/identity/authenticate.js';
import { createCaptcha } from '../../services/identity/captcha.js';
import { IDENTITY_BASE_PATH } from '../../services/identity/emails.js';
import type { Lang } from '../../services/identity/format.js';
import { ADMIN_LOGIN_PATH } from '../../services/identity/onboardAgent.js';
import { changePassword, requestPasswordReset, resetPassword } from '../../services/identity/passwordReset.js';
import { registerAgent, resendVerification } from '../../services/identity/registerAgent.js';
import { inspectEmailToken } from '../../services/identity/tokens.js';
import { inspectVerificationLink, verifyEmail } from '../../services/identity/verifyEmail.js';
import { getSetting } from '../../services/systemConfig/systemConfig.js';
import { identityGuard, CHANGE_PASSWORD_PATH, LOGOUT_PATH } from './guard.js';
import { passwordPolicyText, pageLang, refusalText, t } from './i18n.js';
import { alert, captchaField, escapeHtml, field, html, page } from './layout.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

async function render(req: Request, res: Response, lang: Lang, title: string, body: string, status = 200): Promise<void> {
  const path = req.originalUrl.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '');
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' })
    .type('html')
    .send(page({ lang, title, body: html(body), path, brand: `${await getSetting('basic.site_name')} · ${t(lang, 'brand')}` }));
}

const loginLink = (lang: Lang) => `<a href="${ADMIN_LOGIN_PATH}">${escapeHtml(t(lang, 'backToLogin'))}</a>`;

function resendForm(lang: Lang, email = ''): string {
  return `<hr><form method="post" action="${IDENTITY_BASE_PATH}/verify/resend"><p class="lead">${escapeHtml(t(lang, 'resendTitle'))}</p>${field({
    name: 'email',
    label: t(lang, 'email'),
    type: 'email',
    value: email,
    autocomplete: 'email',
  })}<button type="submit">${escapeHtml(t(lang, 'resend'))}</button></form>`;
}

async function registerPage(req: Request, res: Response, lang: Lang, values: Record<string, string>, error?: string, status = 200) {
  if (!(await getSetting('basic.registration_enabled'))) {
    return render(req, res, lang, t(lang, 'register'), `${alert('error', t(lang, 'registrationClosed'))}<div class="links">${loginLink(lang)}</div>`, 403);
  }
  const captcha = await createCaptcha();
  const body = `<p class="lead">${escapeHtml(t(lang, 'registerLead'))}</p>${alert('error', error)}
<form method="post" action="${IDENTITY_BASE_PATH}/register" novalidate>
${field({ name: 'username', label: t(lang, 'username'), value: values.username ?? '', hint: t(lang, 'usernameHint'), autocomplete: 'username' })}
${field({ name: 'email', label: t(lang, 'email'), type: 'email', value: values.email ?? '', autocomplete: 'email' })}
${field({ name: 'password', label: t(lang, 'password'), type: 'password', hint: await passwordPolicyText(lang), autocomplete: 'new-password' })}
${field({ name: 'passwordConfirm', label: t(lang, 'confirmPassword'), type: 'password', autocomplete: 'new-password' })}
${captchaField({ ...captcha, label: t(lang, 'captcha'), refresh: t(lang, 'captchaRefresh'), refreshHref: `${IDENTITY_BASE_PATH}/register` })}
<button type="submit">${escapeHtml(t(lang, 'submitRegister'))}</button>
</form>
<div class="links">${loginLink(lang)}</div>`;
  return render(req, res, lang, t(lang, 'register'), body, status);
}

async function resetPage(req: Request, res: Response, lang: Lang, token: string, error?: string, status = 200) {
  const body = `${alert('error', error)}
<form method="post" action="${IDENTITY_BASE_PATH}/reset" novalidate>
<input type="hidden" name="token" value="${escapeHtml(token)}">
${field({ name: 'password', label: t(lang, 'newPassword'), type: 'password', hint: await passwordPolicyText(lang), autocomplete: 'new-password' })}
${field({ name: 'passwordConfirm', label: t(lang, 'confirmPassword'), type: 'password', autocomplete: 'new-password' })}
<button type="submit">${escapeHtml(t(lang, 'resetSubmit'))}</button>
</form>`;
  return render(req, res, lang, t(lang, 'resetTitle'), body, status);
}

function verifyRefused(req: Request, res: Response, lang: Lang, err: unknown) {
  return render(req, res, lang, t(lang, 'verifyFailedTitle'), `${alert('error', refusalText(err, lang))}${resendForm(lang)}`, 400);
}

function linkRefused(req: Request, res: Response, lang: Lang, err: unknown) {
  const body = `${alert('error', refusalText(err, lang))}<div class="links"><a href="${IDENTITY_BASE_PATH}/forgot">${escapeHtml(t(lang, 'requestNewLink'))}</a>${loginLink(lang)}</div>`;
  return render(req, res, lang, t(lang, 'linkBadTitle'), body, 400);
}

async function changePage(req: Request, res: Response, lang: Lang, error?: string, status = 200) {
  const body = `<p class="lead">${escapeHtml(t(lang, 'changeLead'))}</p>${alert('error', error)}
<form method="post" action="${CHANGE_PASSWORD_PATH}" novalidate>
${field({ name: 'currentPassword', label: t(lang, 'currentPassword'), type: 'password', autocomplete: 'current-password' })}
${field({ name: 'password', label: t(lang, 'newPassword'), type: 'password', hint: await passwordPolicyText(lang), autocomplete: 'new-password' })}
${field({ name: 'passwordConfirm', label: t(lang, 'confirmPassword'), type: 'password', autocomplete: 'new-password' })}
<button type="submit">${escapeHtml(t(lang, 'changeSubmit'))}</button>
</form>
${logoutForm(lang)}`;
  return render(req, res, lang, t(lang, 'changeTitle'), body, status);
}

const logoutForm = (lang: Lang) => `<form method="post" action="${LOGOUT_PATH}"><button type="submit" class="plain">${escapeHtml(t(lang, 'logout'))}</button></form>`;

// Generous for people, tight for scripts: every captcha is a Redis key and every form may send a mail.
// The limit is the setting `security.auth_rate_limit_per_minute`, read on every request (getSetting
// keeps settings for 2 s, dropped at once in the process that changes one); a changed limit applies
// at once to the requests already counted this minute (redisLimiter).
function perIpLimit(): RequestHandler {
  return (req, res, next) => {
    getSetting('security.auth_rate_limit_per_minute')
      .then((points) => redisLimiter('identity-pages', points, 60).consume(req.ip ?? 'unknown'))
      .then(
        () => next(),
        (err: unknown) => {
          if (!(err instanceof RateLimiterRes)) return next(err);
          res.set('Retry-After', String(Math.ceil(err.msBeforeNext / 1000)));
          const lang = pageLang(req, res);
          render(req, res, lang, t(lang, 'tooManyTitle'), alert('error', t(lang, 'tooManyBody')), 429).catch(next);
        },
      );
  };
}

/** Server-rendered pages for registration, verification and password reset (no session needed). */
function authPages(): Router {
  const router = Router();
  router.use(perIpLimit());
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  router.get('/captcha', handle(async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await createCaptcha());
  }));
  // The AdminJS login page only receives the refusal's text, so it asks here whether the next attempt
  // for the username in its form needs the captcha (POST: usernames stay out of URLs and access logs).
  router.post('/login-captcha', handle(async (req, res) => {
    const captchaRequired = await loginNeedsCaptcha((req.body as Record<string, unknown> | undefined)?.username);
    res.set('Cache-Control', 'no-store').json({ captchaRequired });
  }));

  router.get('/register', handle(async (req, res) => registerPage(req, res, pageLang(req, res), {})));
  router.post('/register', handle(async (req, res) => {
    const lang = pageLang(req, res);
    const b = req.body as Record<string, unknown>;
    const values = { username: str(b.username), email: str(b.email) };
    if (str(b.password) !== str(b.passwordConfirm)) return registerPage(req, res, lang, values, t(lang, 'PASSWORD_MISMATCH'), 400);
    try {
      await registerAgent({ username: b.username, password: b.password, email: b.email, captchaId: b.captchaId, captchaAnswer: b.captchaAnswer, lang, ip: req.ip });
    } catch (err) {
      return registerPage(req, res, lang, values, refusalText(err, lang), 400);
    }
    const hours = await getSetting('security.verify_link_hours');
    const body = `${alert('ok', t(lang, 'registeredBody', { email: values.email, hours }))}${resendForm(lang, values.email)}<div class="links">${loginLink(lang)}</div>`;
    return render(req, res, lang, t(lang, 'registeredTitle'), body);
  }));

  router.post('/verify/resend', handle(async (req, res) => {
    const lang = pageLang(req, res);
    await resendVerification({ email: (req.body as Record<string, unknown>).email, lang });
    return render(req, res, lang, t(lang, 'registeredTitle'), `${alert('ok', t(lang, 'resentBody'))}<div class="links">${loginLink(lang)}</div>`);
  }));

  // The emailed link only shows the confirmation; mail scanners and link previews GET links, so
  // only the button's POST uses the token and activates the account.
  router.get('/verify', handle(async (req, res) => {
    const lang = pageLang(req, res);
    const token = str(req.query.token);
    let username: string;
    try {
      ({ username } = await inspectVerificationLink({ token }));
    } catch (err) {
      return verifyRefused(req, res, lang, err);
    }
    const body = `<p class="lead">${escapeHtml(t(lang, 'verifyConfirmBody', { username }))}</p>
<form method="post" action="${IDENTITY_BASE_PATH}/verify">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">${escapeHtml(t(lang, 'verifyConfirmSubmit'))}</button>
</form>
<div class="hint">${escapeHtml(t(lang, 'verifyConfirmNotMe'))}</div>`;
    return render(req, res, lang, t(lang, 'verifyConfirmTitle'), body);
  }));
  router.post('/verify', handle(async (req, res) => {
    const lang = pageLang(req, res);
    try {
      const user = await verifyEmail({ token: (req.body as Record<string, unknown>).token, ip: req.ip });
      return render(req, res, lang, t(lang, 'verifiedTitle'), `${alert('ok', t(lang, 'verifiedBody', { username: user.username }))}<div class="links">${loginLink(lang)}</div>`);
    } catch (err) {
      return verifyRefused(req, res, lang, err);
    }
  }));

  router.get('/forgot', handle(async (req, res) => {
    const lang = pageLang(req, res);
    const body = `<p class="lead">${escapeHtml(t(lang, 'forgotLead'))}</p>
<form method="post" action="${IDENTITY_BASE_PATH}/forgot" novalidate>${field({ name: 'email', label: t(lang, 'email'), type: 'email', autocomplete: 'email' })}
<button type="submit">${escapeHtml(t(lang, 'forgotSubmit'))}</button></form><div class="links">${loginLink(lang)}<a href="${IDENTITY_BASE_PATH}/register">${escapeHtml(t(lang, 'registerLink'))}</a></div>`;
    return render(req, res, lang, t(lang, 'forgotTitle'), body);
  }));
  router.post('/forgot', handle(async (req, res) => {
    const lang = pageLang(req, res);
    await requestPasswordReset({ email: (req.body as Record<string, unknown>).email, lang, ip: req.ip });
    const minutes = await getSetting('security.reset_link_minutes');
    return render(req, res, lang, t(lang, 'forgotSentTitle'), `${alert('ok', t(lang, 'forgotSentBody', { minutes }))}<div class="links">${loginLink(lang)}</div>`);
  }));

  router.get('/reset', handle(async (req, res) => {
    const lang = pageLang(req, res);
    try {
      await inspectEmailToken(req.query.token, ['reset_password', 'set_password']);
    } catch (err) {
      return linkRefused(req, res, lang, err);
    }
    return resetPage(req, res, lang, str(req.query.token));
  }));
  router.post('/reset', handle(async (req, res) => {
    const lang = pageLang(req, res);
    const b = req.body as Record<string, unknown>;
    const token = str(b.token);
    if (str(b.password) !== str(b.passwordConfirm)) return resetPage(req, res, lang, token, t(lang, 'PASSWORD_MISMATCH'), 400);
    try {
      await resetPassword({ token, password: b.password, ip: req.ip });
    } catch (err) {
      if (/^LINK_/.test((err as { reason?: string }).reason ?? '')) return linkRefused(req, res, lang, err);
      return resetPage(req, res, lang, token, refusalText(err, lang), 400);
    }
    return render(req, res, lang, t(lang, 'resetDoneTitle'), `${alert('ok', t(lang, 'resetDoneBody'))}<div class="links">${loginLink(lang)}</div>`);
  }));
  return router;
}

/** The forced (or voluntary) password change of the logged-in admin user, inside the /admin session. */
function changePasswordRoutes(): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use((req, res, next) => (req.session.adminUser ? next() : res.redirect(ADMIN_LOGIN_PATH)));
  router.get('/', handle(async (req, res) => changePage(req, res, pageLang(req, res))));
  router.post('/', handle(async (req, res) => {
    const lang = pageLang(req, res);
    const b = req.body as Record<string, unknown>;
    if (str(b.password) !== str(b.passwordConfirm)) return changePage(req, res, lang, t(lang, 'PASSWORD_MISMATCH'), 400);
    try {
      await changePassword({ userId: req.session.adminUser!.id, currentPassword: b.currentPassword, newPassword: b.password, sid: req.sessionID, ip: req.ip });
    } catch (err) {
      return changePage(req, res, lang, refusalText(err, lang), 400);
    }
    req.session.adminUser = { ...req.session.adminUser!, mustChangePassword: false };
    req.session.save((err) => (err ? res.status(500).end() : res.redirect('/admin')));
  }));
  return router;
}

/**
 * Logging out changes state, so it is a POST (a cross-site image or link cannot log anyone out; the
 * browser guard refuses cross-site POSTs). AdminJS's own logout link (a GET) lands on a page with
 * the button.
 */
function logoutRoutes(): Router {
  const router = Router();
  router.get('/', handle(async (req, res) => {
    const lang = pageLang(req, res);
    if (!req.session.adminUser) return res.redirect(ADMIN_LOGIN_PATH);
    return render(req, res, lang, t(lang, 'logout'), `<p class="lead">${escapeHtml(t(lang, 'logoutLead'))}</p>${logoutForm(lang)}`);
  }));
  router.post('/', (req, res, next) => {
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie(SESSION_COOKIE, { path: '/admin' }).redirect(303, ADMIN_LOGIN_PATH);
    });
  });
  return router;
}

/**
 * Everything identity adds to the HTTP surface, mounted in front of AdminJS: the pages under /auth,
 * the password change page inside the admin session, and the guard that keeps frozen accounts and
 * accounts that must change their password out of the rest of /admin.
 */
export function identityRouter(): Router {
  const router = Router();
  router.use(IDENTITY_BASE_PATH, authPages());
  router.use('/admin', adminSession(), identityGuard());
  router.use(CHANGE_PASSWORD_PATH, changePasswordRoutes());
  router.use(LOGOUT_PATH, logoutRoutes());
  return router;
}
