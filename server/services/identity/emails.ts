import { config } from '../../config.js';
import { simpleEmail, type RenderedEmail } from '../email/templates.js';
import { formatLocalTime, type Lang } from './format.js';

/** Where the identity pages live (server/routes/identity), as absolute links for emails. */
export const IDENTITY_BASE_PATH = '/auth';

export function identityLink(page: string, params: Record<string, string>, lang: Lang): string {
  const url = new URL(`${IDENTITY_BASE_PATH}/${page}`, config().PUBLIC_URL);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (lang === 'en') url.searchParams.set('lang', 'en');
  return url.toString();
}

export { asLang } from '../../i18n.js';

export function verifyEmailMail(p: { siteName: string; username: string; link: string; expiresAt: Date; lang: Lang }): RenderedEmail {
  return p.lang === 'en'
    ? simpleEmail('identity.verify_email', `${p.siteName}: confirm your email address`, [
        `Hello ${p.username},`,
        `Please confirm your email address to activate your agent account: ${p.link}`,
        `The link works once and expires at ${formatLocalTime(p.expiresAt)}. If you did not register, ignore this email.`,
      ])
    : simpleEmail('identity.verify_email', `${p.siteName}：请验证您的邮箱`, [
        `${p.username}，您好：`,
        `请点击以下链接验证邮箱并激活您的代理账号：${p.link}`,
        `链接仅可使用一次，有效期至 ${formatLocalTime(p.expiresAt)}。如果不是您本人注册，请忽略本邮件。`,
      ]);
}

export function resetPasswordMail(p: { siteName: string; username: string; link: string; expiresAt: Date; lang: Lang }): RenderedEmail {
  return p.lang === 'en'
    ? simpleEmail('identity.reset_password', `${p.siteName}: reset your password`, [
        `Hello ${p.username},`,
        `Someone asked to reset the password of your account. To choose a new password open: ${p.link}`,
        `The link works once and expires at ${formatLocalTime(p.expiresAt)}. If it was not you, ignore this email; your password stays unchanged.`,
      ])
    : simpleEmail('identity.reset_password', `${p.siteName}：重置密码`, [
        `${p.username}，您好：`,
        `我们收到了重置您账号密码的请求。请点击以下链接设置新密码：${p.link}`,
        `链接仅可使用一次，有效期至 ${formatLocalTime(p.expiresAt)}。如果不是您本人操作，请忽略本邮件，您的密码不会改变。`,
      ]);
}

export function passwordChangedMail(p: { siteName: string; username: string; at: Date; ip: string | null; lang: Lang }): RenderedEmail {
  return p.lang === 'en'
    ? simpleEmail('identity.password_changed', `${p.siteName}: your password was changed`, [
        `Hello ${p.username},`,
        `The password of your account was changed at ${formatLocalTime(p.at)}${p.ip ? ` from IP ${p.ip}` : ''}. All other sessions were signed out.`,
        'If this was not you, reset your password at once and contact your administrator.',
      ])
    : simpleEmail('identity.password_changed', `${p.siteName}：您的密码已修改`, [
        `${p.username}，您好：`,
        `您的账号密码已于 ${formatLocalTime(p.at)} 修改${p.ip ? `（IP：${p.ip}）` : ''}，其他登录会话均已退出。`,
        '如果这不是您本人的操作，请立即重置密码并联系管理员。',
      ]);
}

export function agentAccountMail(p: {
  siteName: string;
  username: string;
  createdBy: string;
  loginUrl: string;
  link: string;
  expiresAt: Date;
  lang: Lang;
}): RenderedEmail {
  return p.lang === 'en'
    ? simpleEmail('identity.agent_account', `${p.siteName}: your agent account`, [
        `Hello ${p.username},`,
        `${p.createdBy} created an agent account for you. Username: ${p.username}. Log in at ${p.loginUrl}`,
        `Set your own password with this one-time link (valid until ${formatLocalTime(p.expiresAt)}): ${p.link}`,
        'If you were given an initial password instead, you will be asked to change it at your first login.',
      ])
    : simpleEmail('identity.agent_account', `${p.siteName}：您的代理账号已开通`, [
        `${p.username}，您好：`,
        `${p.createdBy} 为您开通了代理账号。用户名：${p.username}。登录地址：${p.loginUrl}`,
        `请通过以下一次性链接设置您的密码（有效期至 ${formatLocalTime(p.expiresAt)}）：${p.link}`,
        '如果管理员另行告知了初始密码，首次登录时系统会要求您修改密码。',
      ]);
}

export function confirmNewEmailMail(p: { siteName: string; username: string; link: string; expiresAt: Date; lang: Lang }): RenderedEmail {
  return p.lang === 'en'
    ? simpleEmail('identity.change_email', `${p.siteName}: confirm your new email address`, [
        `Hello ${p.username},`,
        `This address was entered as the new email of your account. To use it from now on, confirm it: ${p.link}`,
        `The link works once and expires at ${formatLocalTime(p.expiresAt)}. Until then your account keeps its old address. If it was not you, ignore this email.`,
      ])
    : simpleEmail('identity.change_email', `${p.siteName}：请确认您的新邮箱`, [
        `${p.username}，您好：`,
        `此地址被设置为您账号的新邮箱。确认后才会生效，请点击：${p.link}`,
        `链接仅可使用一次，有效期至 ${formatLocalTime(p.expiresAt)}。确认前账号仍使用原邮箱。如果不是您本人操作，请忽略本邮件。`,
      ]);
}

/** To the OLD address when a change of email is requested: the owner learns of it before it takes effect. */
export function emailChangeRequestedMail(p: { siteName: string; username: string; at: Date; ip: string | null; lang: Lang }): RenderedEmail {
  return p.lang === 'en'
    ? simpleEmail('identity.email_change_requested', `${p.siteName}: a new email address was set for your account`, [
        `Hello ${p.username},`,
        `At ${formatLocalTime(p.at)}${p.ip ? ` (IP ${p.ip})` : ''} a new email address was entered for your account. It takes effect once confirmed from that address.`,
        'If this was not you, change your password at once and contact your administrator.',
      ])
    : simpleEmail('identity.email_change_requested', `${p.siteName}：您的账号设置了新邮箱`, [
        `${p.username}，您好：`,
        `您的账号于 ${formatLocalTime(p.at)}${p.ip ? `（IP：${p.ip}）` : ''} 设置了新的邮箱地址，需在新邮箱中确认后生效。`,
        '如果这不是您本人的操作，请立即修改密码并联系管理员。',
      ]);
}
