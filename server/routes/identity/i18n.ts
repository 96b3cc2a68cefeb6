import type { Request, Response } from 'express';
import { LANG_COOKIE } from '../../i18n.js';
import { isAppError } from '../../errors.js';
import { formatLocalTime, type Lang } from '../../services/identity/format.js';
import { getSetting } from '../../services/systemConfig/systemConfig.js';

export { LANG_COOKIE };

/** zh-CN unless `?lang=en` (remembered in a cookie) or the cookie says otherwise. */
export function pageLang(req: Request, res: Response): Lang {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  if (asked === 'en' || asked === 'zh-CN') {
    // Not httpOnly: it holds no secret, and the admin's language switch (in the page) must be able to change it.
    res.cookie(LANG_COOKIE, asked, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 });
    return asked;
  }
  const cookie = /(?:^|;\s*)seahorse_lang=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  return cookie === 'en' ? 'en' : 'zh-CN';
}

const zh = {
  brand: '代理后台',
  login: '登录',
  backToLogin: '返回登录',
  register: '注册代理账号',
  registrationClosed: '暂未开放注册，请联系管理员开通账号。',
  registerLead: '注册后我们会向您的邮箱发送验证链接，验证后即可登录。',
  username: '用户名',
  usernameHint: '3-32 位字母、数字或下划线',
  email: '邮箱',
  password: '密码',
  newPassword: '新密码',
  currentPassword: '当前密码',
  confirmPassword: '确认密码',
  captcha: '验证码',
  captchaRefresh: '看不清？换一张',
  submitRegister: '注册',
  registeredTitle: '请查收验证邮件',
  registeredBody: '我们已向 {email} 发送了验证邮件。请在 {hours} 小时内点击邮件中的链接完成验证。',
  resendTitle: '没有收到邮件？',
  resend: '重新发送验证邮件',
  resentBody: '如果该邮箱对应一个待验证的账号，我们已重新发送验证邮件，之前的链接随即失效。',
  verifyConfirmTitle: '确认邮箱',
  verifyConfirmBody: '点击下方按钮即可确认邮箱并激活代理账号 {username}，激活后即可登录。',
  verifyConfirmSubmit: '确认邮箱并激活账号',
  verifyConfirmNotMe: '如果不是您本人注册，请直接关闭本页面，账号不会被激活。',
  verifiedTitle: '邮箱验证成功',
  verifiedBody: '您的代理账号 {username} 已激活，现在可以登录了。',
  verifyFailedTitle: '邮箱验证失败',
  forgotTitle: '找回密码',
  forgotLead: '输入注册时使用的邮箱，我们会发送重置密码链接。',
  forgotSubmit: '发送重置链接',
  forgotSentTitle: '请查收邮件',
  forgotSentBody: '如果该邮箱已在本系统注册，您将在几分钟内收到重置密码邮件，链接 {minutes} 分钟内有效。',
  forgotLink: '忘记密码？',
  registerLink: '还没有账号？注册代理',
  resetTitle: '设置新密码',
  resetSubmit: '保存新密码',
  resetDoneTitle: '密码已更新',
  resetDoneBody: '新密码已生效，其他设备上的登录已全部退出。',
  linkBadTitle: '链接不可用',
  requestNewLink: '重新申请重置链接',
  changeTitle: '修改初始密码',
  changeLead: '为了账号安全，首次登录前请先设置您自己的密码。',
  changeSubmit: '修改密码',
  logout: '退出登录',
  logoutLead: '确定要退出登录吗？',
  policy: '密码至少 {min} 位{letters}{digits}。',
  policyLetters: '，包含字母',
  policyDigits: '，包含数字',
  PASSWORD_MISMATCH: '两次输入的密码不一致',
  tooManyTitle: '请求过于频繁',
  tooManyBody: '操作过于频繁，请稍后再试。',
};
type Key = keyof typeof zh;

const en: Record<Key, string> = {
  brand: 'Agent back office',
  login: 'Log in',
  backToLogin: 'Back to login',
  register: 'Register an agent account',
  registrationClosed: 'Registration is closed at the moment; ask an administrator for an account.',
  registerLead: 'After registering we email you a verification link; once verified you can log in.',
  username: 'Username',
  usernameHint: '3-32 letters, digits or underscores',
  email: 'Email',
  password: 'Password',
  newPassword: 'New password',
  currentPassword: 'Current password',
  confirmPassword: 'Confirm password',
  captcha: 'Captcha',
  captchaRefresh: 'Hard to read? Get another',
  submitRegister: 'Register',
  registeredTitle: 'Check your mailbox',
  registeredBody: 'We sent a verification email to {email}. Please open the link in it within {hours} hours.',
  resendTitle: 'No email?',
  resend: 'Send the verification email again',
  resentBody: 'If this address belongs to an account awaiting verification, a new email is on its way and older links no longer work.',
  verifyConfirmTitle: 'Confirm your email address',
  verifyConfirmBody: 'Press the button below to confirm your email address and activate the agent account {username}. You can log in afterwards.',
  verifyConfirmSubmit: 'Confirm and activate my account',
  verifyConfirmNotMe: 'If you did not register, just close this page: the account stays inactive.',
  verifiedTitle: 'Email verified',
  verifiedBody: 'Your agent account {username} is active. You can log in now.',
  verifyFailedTitle: 'Verification failed',
  forgotTitle: 'Forgot password',
  forgotLead: 'Enter the email address of your account and we will send you a reset link.',
  forgotSubmit: 'Send reset link',
  forgotSentTitle: 'Check your mailbox',
  forgotSentBody: 'If this address is registered, you will receive a reset email within a few minutes. The link is valid for {minutes} minutes.',
  forgotLink: 'Forgot password?',
  registerLink: 'No account yet? Register as an agent',
  resetTitle: 'Choose a new password',
  resetSubmit: 'Save new password',
  resetDoneTitle: 'Password updated',
  resetDoneBody: 'Your new password is active and every other session was signed out.',
  linkBadTitle: 'Link not usable',
  requestNewLink: 'Request a new reset link',
  changeTitle: 'Change your initial password',
  changeLead: 'For your account’s safety, set your own password before you continue.',
  changeSubmit: 'Change password',
  logout: 'Log out',
  logoutLead: 'Do you want to log out?',
  policy: 'At least {min} characters{letters}{digits}.',
  policyLetters: ', with letters',
  policyDigits: ', with digits',
  PASSWORD_MISMATCH: 'The two passwords differ',
  tooManyTitle: 'Too many requests',
  tooManyBody: 'Too many requests from your network. Please try again in a minute.',
};

export function t(lang: Lang, key: Key, vars: Record<string, string | number> = {}): string {
  const text = (lang === 'en' ? en : zh)[key];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export async function passwordPolicyText(lang: Lang): Promise<string> {
  return t(lang, 'policy', {
    min: await getSetting('security.password_min_length'),
    letters: (await getSetting('security.password_require_letters')) ? t(lang, 'policyLetters') : '',
    digits: (await getSetting('security.password_require_digits')) ? t(lang, 'policyDigits') : '',
  });
}

// English for the refusals services raise (their own messages are zh-CN).
const EN_REFUSALS: Record<string, string> = {
  LINK_INVALID: 'This link is not valid. Please request a new one.',
  LINK_USED: 'This link was already used or replaced by a newer one. Please request a new one.',
  LINK_EXPIRED: 'This link has expired. Please request a new one.',
  CAPTCHA_INVALID: 'The captcha was wrong. Please try again.',
  CAPTCHA_REQUIRED: 'Please enter the captcha.',
  REGISTRATION_CLOSED: 'Registration is closed at the moment.',
  EMAIL_REQUIRED: 'Please enter an email address.',
  INVALID_USERNAME: 'Usernames are 3-32 letters, digits or underscores.',
  INVALID_EMAIL: 'The email address is not valid.',
  USER_EXISTS: 'This username or email is already taken.',
  PASSWORD_REQUIRED: 'Please enter a password.',
  PASSWORD_POLICY: 'The password does not meet the password policy.',
  ACCOUNT_FROZEN: 'This account is frozen. Please contact your administrator.',
  ACCOUNT_UNAVAILABLE: 'This account cannot be used. Please log in again.',
  WRONG_CURRENT_PASSWORD: 'The current password is not correct.',
  PASSWORD_UNCHANGED: 'The new password must differ from the current one.',
  PASSWORD_MISMATCH: en.PASSWORD_MISMATCH,
  MISSING_FIELDS: 'Please enter username and password.',
  BAD_CREDENTIALS: 'Wrong username or password.',
  ACCOUNT_PENDING: 'Your email address is not verified yet. Open the link in the verification email (you can resend it from the registration page).',
  LOGIN_RATE_LIMITED: 'Too many login attempts from your network. Please wait a minute.',
};

/** The text to show for a refusal in the page language; non-AppErrors are rethrown (they are bugs → 500). */
export function refusalText(err: unknown, lang: Lang): string {
  if (!isAppError(err)) throw err;
  if (lang !== 'en') return err.message;
  if (err.reason === 'ACCOUNT_LOCKED') {
    const until = (err.details as { lockedUntil?: string } | undefined)?.lockedUntil;
    return `Too many failed attempts: the account is locked until ${until ? formatLocalTime(new Date(until)) : 'later'}.`;
  }
  return EN_REFUSALS[err.reason] ?? err.message;
}
