import { z } from 'zod';
import { pageQuery } from '../../http/envelope.js';
import { httpsUrl } from '../../services/miniUsers/userUrls.js';

/** Request and answer shapes of the mini-program API (validation + OpenAPI). */
const trimmed = (max: number, label: string) => z.string().trim().min(1, `${label}不能为空`).max(max, `${label}最多 ${max} 个字符`);

export const wxLoginBody = z.object({
  code: z.string().trim().min(1, 'code 不能为空').max(128).regex(/^[\w-]+$/, 'code 格式错误').describe('wx.login() 得到的 code'),
  nickname: trimmed(64, '昵称').optional(),
  avatarUrl: httpsUrl.optional().describe('https 地址（其他协议一律拒绝）'),
});
export const refreshBody = z.object({ refreshToken: z.string().min(20, 'refreshToken 无效').max(2048) });
export const logoutBody = refreshBody;
export const loggedOutData = z.object({ loggedOut: z.literal(true) });
export const profileBody = z.object({ nickname: trimmed(64, '昵称') }).strict();
export const settingsBody = z.object({ paymentReminder: z.boolean({ error: 'paymentReminder 必须是 true 或 false' }) }).strict();
export const slugParams = z.object({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, '页面标识格式错误').describe('about（关于我们）、agreement（用户协议）') });
export const callsQuery = pageQuery;

export const idParams = z.object({ id: z.uuid('ID 格式错误') });
export const numericIdParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

export const createOrderBody = z.object({
  packageId: z.uuid('packageId 格式错误').describe('套餐 ID；金额由服务端计算，客户端传入的金额一律忽略'),
});
export const listOrdersQuery = pageQuery.extend({ status: z.enum(['pending', 'paid', 'closed', 'refunded']).optional() });

export const POINTS_RECORD_TYPES = ['purchase', 'consume', 'expire', 'redeem', 'admin_adjust', 'refund'] as const;
export const recordsQuery = pageQuery.extend({ type: z.enum(POINTS_RECORD_TYPES).optional() });

export const redeemBody = z.object({ code: z.string().trim().min(1, '请输入兑换码').max(64, '兑换码过长') });
export const articlesQuery = pageQuery.extend({ kind: z.enum(['article', 'announcement']).optional() });

// ---- answers (documentation) --------------------------------------------------------------------

export const userData = z.object({
  id: z.uuid(),
  nickname: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  totalPoints: z.number().int(),
  phoneBound: z.boolean(),
  emailBound: z.boolean(),
  createdAt: z.string(),
});
export const tokensData = z.object({
  accessToken: z.string(),
  accessExpiresIn: z.number().int().describe('秒'),
  refreshToken: z.string(),
  refreshExpiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
});
export const loginData = z.object({ user: userData, tokens: tokensData, isNew: z.boolean() });

export const packageData = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  isHot: z.boolean(),
  sort: z.number().int(),
  product: z.object({ id: z.uuid(), name: z.string(), productType: z.number().int() }),
  promotion: z.object({ id: z.uuid(), name: z.string(), type: z.enum(['discount', 'full_reduction']), endTime: z.string() }).nullable(),
  originalPrice: z.string().describe('元，两位小数'),
  price: z.string().describe('实付（元）'),
  discount: z.string(),
  points: z.number().int(),
  bonusPoints: z.number().int(),
  totalPoints: z.number().int(),
  currency: z.string(),
  pointsExpireAt: z.string(),
});

export const orderData = z.object({
  id: z.uuid(),
  orderNo: z.string(),
  status: z.enum(['pending', 'paid', 'closed', 'refunded']),
  packageId: z.uuid().nullable(),
  productId: z.uuid(),
  promotionId: z.uuid().nullable(),
  description: z.string().nullable(),
  originalAmount: z.string(),
  discountAmount: z.string(),
  totalAmount: z.string(),
  points: z.number().int(),
  bonusPoints: z.number().int(),
  totalPoints: z.number().int().describe('到账积分（含赠送）'),
  pointsExpireAt: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  paidAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  refundedAt: z.string().nullable(),
});
const page = <T extends z.ZodType>(item: T) =>
  z.object({ total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), items: z.array(item) });
export const orderPage = page(orderData);

export const payData = z.object({
  orderId: z.uuid(),
  orderNo: z.string(),
  totalAmount: z.string(),
  payment: z
    .object({ appId: z.string(), timeStamp: z.string(), nonceStr: z.string(), package: z.string(), signType: z.literal('RSA'), paySign: z.string() })
    .describe('直接传给 wx.requestPayment'),
});

export const pointsData = z.object({
  balance: z.number().int(),
  nearestExpiry: z.string().nullable(),
  nearestExpiryPoints: z.number().int(),
  lots: z.array(z.object({ id: z.uuid(), source: z.string(), points: z.number().int(), remaining: z.number().int(), expiresAt: z.string(), createdAt: z.string() })),
});
export const recordsPage = page(
  z.object({
    id: z.uuid(),
    type: z.enum(POINTS_RECORD_TYPES),
    operationType: z.number().int(),
    pointsChange: z.number().int(),
    remainingPoints: z.number().int(),
    orderId: z.uuid().nullable(),
    apiKeyId: z.uuid().nullable(),
    apiName: z.string().nullable(),
    memo: z.string().nullable(),
    expireTime: z.string(),
    createdAt: z.string(),
  }),
);
export const redeemData = z.object({ points: z.number().int(), balance: z.number().int(), expiresAt: z.string() });
const articleData = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  summary: z.string().nullable(),
  content: z.string().optional(),
  publishedAt: z.string().nullable(),
});
export const bannersData = z.array(z.object({ id: z.number().int(), title: z.string(), imageUrl: z.string(), linkUrl: z.string().nullable(), sort: z.number().int() }));
export const articlesPage = page(articleData);
export const articleDetail = articleData;
export const settingsData = z.object({
  paymentReminder: z.boolean().describe('支付成功提醒开关（关闭后不发送订阅消息）'),
  paymentReminderTemplateId: z.string().nullable().describe('支付前用 wx.requestSubscribeMessage 请求授权的模板 ID；未配置时为 null'),
});
export const callsPage = page(
  z.object({
    id: z.string(),
    at: z.string(),
    apiName: z.string().nullable(),
    keyId: z.uuid().nullable(),
    keyName: z.string().nullable(),
    keyPrefix: z.string().nullable(),
    allowed: z.boolean(),
    reason: z.string().nullable().describe('被拒绝时的原因（计费拒绝原因，如 INSUFFICIENT_POINTS、IP_NOT_ALLOWED）'),
  }),
);
const serviceState = z.enum(['normal', 'degraded', 'maintenance']);
export const serviceStatusData = z.object({
  status: serviceState.describe('总体状态：全部正常为 normal，全部维护为 maintenance，否则 degraded'),
  degraded: z.boolean().describe('status 不是 normal（首页展开并标红）'),
  apis: z
    .array(
      z.object({
        name: z.string(),
        path: z.string(),
        description: z.string().nullable(),
        status: serviceState,
        message: z.string().nullable().describe('超级管理员填写的说明'),
        automatic: z.boolean().describe('true：近期失败或被拒绝的调用过多，自动判定为 degraded'),
      }),
    )
    .describe('API 目录中启用的每个接口的状态'),
  notices: z.array(articleData).describe('已发布的服务状态公告（仅供展示，不决定状态）'),
});
