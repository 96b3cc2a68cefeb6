import type { Request, RequestHandler } from 'express';
import { config } from '../../config.js';
import { inTransaction } from '../../db/index.js';
import { notFound, tooMany } from '../../errors.js';
import { ok } from '../../http/envelope.js';
import { say } from '../../i18n.js';
import { redisLimiter } from '../../lib/rateLimit.js';
import { listPackages } from '../../services/catalog/listPackages.js';
import { getArticle, getArticleBySlug, getServiceStatus, listArticles, listBanners } from '../../services/content/content.js';
import { listRecentCalls } from '../../services/apiKeys/recentCalls.js';
import { getMiniUserSettings, logout, presentMiniUser, refreshTokens, updateMiniUserSettings, updateProfile, wxLogin } from '../../services/miniUsers/index.js';
import { cancelOrder, createOrder, getOrder, getOrderStatus, listOrders, payOrder } from '../../services/orders/index.js';
import { expireUserLots, getPointsSummary, listPointsRecords, PointsOperation, redeemCardKey } from '../../services/points/index.js';
import { miniUserOf } from './miniAuth.js';
import * as s from './mini.schema.js';
import type { ZodType } from 'zod';
import type { Method, RouteSpec } from './routeSpec.js';

/** Per-IP allowance (requests per minute, from config) for unauthenticated, WeChat-calling endpoints. */
function perIp(name: string, perMinute: () => number): RequestHandler {
  return (req, _res, next) => {
    const points = perMinute();
    // Counted per allowance: it comes from the environment, and a new one starts from zero.
    redisLimiter(['api-rate', name, points], points, 60).consume(req.ip ?? 'unknown').then(
      () => next(),
      (err) => next(err instanceof Error ? err : tooMany()),
    );
  };
}

/** Refreshing and logging out share one per-IP allowance (twice the login one). */
const refreshAllowance = perIp('refresh', () => config().MINI_LOGIN_PER_IP_PER_MINUTE * 2);

const RECORD_TYPES: Record<(typeof s.POINTS_RECORD_TYPES)[number], number> = {
  purchase: PointsOperation.purchase,
  consume: PointsOperation.consume,
  expire: PointsOperation.expire,
  redeem: PointsOperation.redeem,
  admin_adjust: PointsOperation.adminAdjust,
  refund: PointsOperation.refund,
};

type Q<T> = T & Record<string, never>;
const query = <T>(req: { query: unknown }) => req.query as Q<T>;

/**
 * A route on one of the user's own orders (`/orders/:id…`): the orders policy checks the row is
 * theirs (someone else's is "not found") inside the command.
 */
const ownOrderRoute = (
  method: Method,
  path: string,
  verb: 'view' | 'pay' | 'cancel',
  doc: { summary: string; description?: string },
  data: ZodType,
  run: (userId: string, orderId: string) => Promise<unknown>,
): RouteSpec => ({
  method,
  path: `/orders/:id${path}`,
  tag: '订单',
  ...doc,
  auth: true,
  policy: { verb, resource: 'meta_order' },
  params: s.idParams,
  data,
  handler: async (req, res) => ok(res, await run(miniUserOf(req).id, req.params.id!)),
});

/** A route on the user themself (profile, settings): the record the meta_user policy is asked about is the user. */
const selfRoute = (
  method: Method,
  path: string,
  verb: 'viewSelf' | 'editSelf',
  doc: { summary: string; description?: string },
  schemas: { body?: ZodType; data: ZodType },
  run: (userId: string, body: never) => Promise<unknown>,
): RouteSpec => ({
  method,
  path,
  tag: '用户',
  ...doc,
  auth: true,
  policy: { verb, resource: 'meta_user', record: miniUserOf },
  ...schemas,
  handler: async (req, res) => ok(res, await run(miniUserOf(req).id, req.body as never)),
});

/** A page of the user's own rows (`listOwn` in the resource's policy; the query is the page and filters). */
const ownPageRoute = (
  path: string,
  resource: string,
  doc: { tag: string; summary: string; description?: string },
  schemas: { query: ZodType; data: ZodType },
  run: (userId: string, query: never) => Promise<unknown>,
): RouteSpec => ({
  method: 'get',
  path,
  ...doc,
  auth: true,
  policy: { verb: 'listOwn', resource },
  ...schemas,
  handler: async (req, res) => ok(res, await run(miniUserOf(req).id, query<never>(req))),
});

/** One article, found by `find` from the request's params, or 404. */
const articleRoute = (path: string, summary: string, params: ZodType, find: (req: Request) => Promise<unknown>): RouteSpec => ({
  method: 'get',
  path,
  tag: '内容',
  summary,
  auth: false,
  params,
  data: s.articleDetail,
  handler: async (req, res) => {
    const article = await find(req);
    if (!article) throw notFound(say('文章不存在', 'No such article'));
    ok(res, article);
  },
});

/** Every mini-program route. */
export const miniRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/auth/wx-login',
    tag: '登录',
    summary: '微信登录（wx.login code）',
    description: 'code → jscode2session → 用户（首次登录自动创建）→ 本站 access/refresh token。不提供“按 openid 取 token”的接口。',
    auth: false,
    before: [perIp('wx-login', () => config().MINI_LOGIN_PER_IP_PER_MINUTE)],
    body: s.wxLoginBody,
    data: s.loginData,
    handler: async (req, res) => ok(res, await wxLogin(req.body)),
  },
  {
    method: 'post',
    path: '/auth/refresh',
    tag: '登录',
    summary: '刷新 token（轮换：每个 refresh token 只能用一次）',
    description: '返回新的 access/refresh token，旧 refresh token 随即失效。已用过的 refresh token 再次出现视为被盗用：该次登录的全部 token 立即作废（401 REFRESH_TOKEN_REUSED），需重新登录。',
    auth: false,
    before: [refreshAllowance],
    body: s.refreshBody,
    data: s.tokensData,
    handler: async (req, res) => ok(res, await refreshTokens(req.body.refreshToken)),
  },
  {
    method: 'post',
    path: '/auth/logout',
    tag: '登录',
    summary: '退出登录（作废该次登录的 refresh token 与 access token）',
    auth: false,
    before: [refreshAllowance],
    body: s.logoutBody,
    data: s.loggedOutData,
    handler: async (req, res) => ok(res, await logout(req.body.refreshToken)),
  },
  {
    method: 'get',
    path: '/user/me',
    tag: '用户',
    summary: '当前用户',
    auth: true,
    policy: { verb: 'viewSelf', resource: 'meta_user', record: miniUserOf },
    data: s.userData,
    handler: async (req, res) => {
      // The balance shown must not include points that expired since the last sweep.
      const user = miniUserOf(req);
      await inTransaction((t) => expireUserLots(user.id, new Date(), t));
      ok(res, presentMiniUser(await user.reload()));
    },
  },
  selfRoute('patch', '/user/me', 'editSelf', { summary: '修改昵称' }, { body: s.profileBody, data: s.userData }, updateProfile),
  selfRoute('get', '/user/settings', 'viewSelf', { summary: '我的设置（支付成功提醒）' }, { data: s.settingsData }, getMiniUserSettings),
  selfRoute(
    'patch',
    '/user/settings',
    'editSelf',
    { summary: '修改设置（支付成功提醒开关）', description: '关闭后，支付成功的订阅消息不再发送（发送任务在发送前检查此开关）。' },
    { body: s.settingsBody, data: s.settingsData },
    updateMiniUserSettings,
  ),
  ownPageRoute(
    '/api-calls',
    'api_call_logs',
    { tag: 'API Key', summary: '我的最近接口调用（含被拒绝的调用）', description: '计费接口收到的、指向本人 API Key 的每次调用，最新在前；调用记录批量写入，可能晚几秒出现。' },
    { query: s.callsQuery, data: s.callsPage },
    listRecentCalls,
  ),
  {
    method: 'get',
    path: '/packages',
    tag: '套餐',
    summary: '在售套餐（服务端定价）',
    auth: false,
    data: s.packageData.array(),
    handler: async (_req, res) => ok(res, await listPackages()),
  },
  {
    method: 'post',
    path: '/orders',
    tag: '订单',
    summary: '下单',
    auth: true,
    policy: { verb: 'placeOrder', resource: 'meta_order' },
    body: s.createOrderBody,
    data: s.orderData,
    status: 201,
    handler: async (req, res) => ok(res, await createOrder({ userId: miniUserOf(req).id, packageId: req.body.packageId }), 201),
  },
  ownPageRoute('/orders', 'meta_order', { tag: '订单', summary: '我的订单' }, { query: s.listOrdersQuery, data: s.orderPage }, listOrders),
  ownOrderRoute('get', '', 'view', { summary: '订单详情' }, s.orderData, getOrder),
  ownOrderRoute('post', '/pay', 'pay', { summary: '发起微信支付（JSAPI 预下单）', description: '返回 wx.requestPayment 所需参数（paySign 由服务端商户私钥签名）。' }, s.payData, payOrder),
  ownOrderRoute('get', '/status', 'view', { summary: '支付状态（轮询）', description: '待支付超过几秒的订单会向微信查询一次（每单每 5 秒最多一次）。' }, s.orderData, getOrderStatus),
  ownOrderRoute('post', '/cancel', 'cancel', { summary: '取消订单（同时在微信关单）' }, s.orderData, cancelOrder),
  {
    method: 'post',
    path: '/pay/wechat/notify',
    tag: '支付回调',
    summary: '微信支付结果通知（微信服务器调用）',
    description:
      '原始报文验签（Wechatpay-Timestamp/Nonce/Signature/Serial，±300 秒）并 AES-256-GCM 解密；成功 204，验签失败 401，订单不符 400。应答不是信封格式，而是微信要求的 {code, message}。',
    auth: false,
  },
  {
    method: 'get',
    path: '/points',
    tag: '积分',
    summary: '积分余额、最近到期与积分批次',
    auth: true,
    policy: { verb: 'listOwn', resource: 'purchase_record' },
    data: s.pointsData,
    handler: async (req, res) => ok(res, await getPointsSummary(miniUserOf(req).id)),
  },
  {
    method: 'get',
    path: '/points/records',
    tag: '积分',
    summary: '积分明细（分页，可按类型筛选）',
    auth: true,
    policy: { verb: 'listOwn', resource: 'purchase_record' },
    query: s.recordsQuery,
    data: s.recordsPage,
    handler: async (req, res) => {
      const q = query<{ page: number; pageSize: number; type?: keyof typeof RECORD_TYPES }>(req);
      ok(res, await listPointsRecords(miniUserOf(req).id, { page: q.page, pageSize: q.pageSize, type: q.type ? (RECORD_TYPES[q.type] as never) : undefined }));
    },
  },
  {
    method: 'post',
    path: '/redeem',
    tag: '积分',
    summary: '兑换码兑换积分',
    description: '每用户每小时、每 IP 每小时的尝试次数有限（无论成败都计数）。',
    auth: true,
    policy: { verb: 'redeem', resource: 'card_keys' },
    body: s.redeemBody,
    data: s.redeemData,
    handler: async (req, res) => ok(res, await redeemCardKey({ userId: miniUserOf(req).id, code: req.body.code, ip: req.ip ?? 'unknown' })),
  },
  {
    method: 'get',
    path: '/banners',
    tag: '内容',
    summary: '首页横幅',
    auth: false,
    data: s.bannersData,
    handler: async (_req, res) => ok(res, await listBanners()),
  },
  {
    method: 'get',
    path: '/articles',
    tag: '内容',
    summary: '文章与公告',
    auth: false,
    query: s.articlesQuery,
    data: s.articlesPage,
    handler: async (req, res) => ok(res, await listArticles(query(req))),
  },
  articleRoute('/articles/:id', '文章详情', s.numericIdParams, (req) => getArticle(Number(req.params.id))),
  articleRoute('/articles/slug/:slug', '按页面标识取文章（关于我们、用户协议）', s.slugParams, (req) => getArticleBySlug(String(req.params.slug))),
  {
    method: 'get',
    path: '/service-status',
    tag: '内容',
    summary: 'API 服务状态公告',
    auth: false,
    data: s.serviceStatusData,
    handler: async (_req, res) => ok(res, await getServiceStatus()),
  },
];
