import { QueryTypes } from 'sequelize';
import { AppError } from '../../errors.js';
import { logger } from '../../logger.js';
import { MiniUser } from '../../models/index.js';
import { WechatError, wechatMini } from '../../wechat/index.js';
import { userFrozen } from './miniUserStatus.js';
import { assertHttpsUrl } from './userUrls.js';
import { issueTokens, type TokenPair } from './tokens.js';
import { presentMiniUser, type MiniUserView } from './presentMiniUser.js';

export interface WxLoginInput {
  code: string;
  nickname?: string;
  avatarUrl?: string;
}

function loginRefusal(err: WechatError): AppError {
  if (err.wxCode === 'NOT_CONFIGURED') return new AppError(503, 2503, 'WECHAT_LOGIN_NOT_CONFIGURED', '微信登录暂未开通');
  switch (Number(err.wxCode)) {
    case 40029:
    case 40163:
      return new AppError(400, 2410, 'WX_CODE_INVALID', '登录凭证无效或已使用，请重新登录');
    case 45011:
      return new AppError(429, 2429, 'WX_RATE_LIMITED', '登录过于频繁，请稍后再试');
    case 40226:
      return new AppError(403, 2411, 'WX_RISKY_USER', '当前微信账号存在风险，暂无法登录');
    default:
      return new AppError(502, 2502, 'WECHAT_UNAVAILABLE', '微信登录服务暂时不可用，请稍后再试');
  }
}

/**
 * wx.login code → jscode2session → the user with that openid (created on first login, nickname and
 * avatar refreshed when given) → our own tokens. There is deliberately no way to get a token from
 * an openid alone: only WeChat's one-time code proves who the caller is.
 */
export async function wxLogin(input: WxLoginInput): Promise<{ user: MiniUserView; tokens: TokenPair; isNew: boolean }> {
  const avatarUrl = input.avatarUrl === undefined ? null : assertHttpsUrl(input.avatarUrl, 'avatarUrl');
  let session;
  try {
    session = await wechatMini().code2session(input.code);
  } catch (err) {
    if (err instanceof WechatError) {
      logger().warn({ wxCode: err.wxCode, status: err.httpStatus }, 'jscode2session refused');
      throw loginRefusal(err);
    }
    throw err;
  }
  // One statement, so two first logins of the same person at once still create one user.
  const rows = await MiniUser.sequelize!.query<{ id: string; inserted: boolean }>(
    `INSERT INTO meta_user (openid, unionid, nickname, avatar_url, last_login_at)
     VALUES (:openid, :unionid, :nickname, :avatarUrl, now())
     ON CONFLICT (openid) DO UPDATE SET
       unionid = COALESCE(EXCLUDED.unionid, meta_user.unionid),
       nickname = COALESCE(EXCLUDED.nickname, meta_user.nickname),
       avatar_url = COALESCE(EXCLUDED.avatar_url, meta_user.avatar_url),
       last_login_at = now(), updated_at = now()
     RETURNING id, (xmax = 0) AS inserted`,
    {
      replacements: {
        openid: session.openid,
        unionid: session.unionid ?? null,
        nickname: input.nickname ?? null,
        avatarUrl,
      },
      type: QueryTypes.SELECT,
    },
  );
  const user = (await MiniUser.findByPk(rows[0]!.id))!;
  if (user.status !== 1) throw userFrozen();
  return { user: presentMiniUser(user), tokens: await issueTokens(user), isNew: rows[0]!.inserted };
}
