/**
 * Labels of enumerated column values, shown as badges and select options. AdminJS looks them up
 * as `labels.<property>.<value>` (per resource first: `resources.<id>.labels.<property>.<value>`),
 * so values that mean different things per table (numeric status codes) sit under their resource.
 */
type Pair = readonly [zh: string, en: string];
type Tree = { [key: string]: Pair | Tree };

const shared: Tree = {
  role: { super_admin: ['超级管理员', 'Super admin'], agent_admin: ['代理管理员', 'Agent admin'], agent: ['代理', 'Agent'] },
  audienceRole: { super_admin: ['超级管理员', 'Super admin'], agent_admin: ['代理管理员', 'Agent admin'], agent: ['代理', 'Agent'] },
  locale: { 'zh-CN': ['简体中文', 'Simplified Chinese'], en: ['英文', 'English'] },
  status: {
    active: ['正常', 'Active'], pending: ['待处理', 'Pending'], frozen: ['已冻结', 'Frozen'], completed: ['已完成', 'Completed'],
    pending_review: ['待审核', 'Pending review'], rejected: ['已拒绝', 'Rejected'], approved: ['已通过', 'Approved'],
    partial: ['部分放行', 'Partially approved'],
    cancelled: ['已撤销', 'Cancelled'], disabled: ['已禁用', 'Disabled'], revoked: ['已撤回', 'Revoked'], generating: ['生成中', 'Generating'],
    failed: ['失败', 'Failed'], unused: ['未使用', 'Unused'], expired: ['已过期', 'Expired'], redeemed: ['已兑换', 'Redeemed'],
    queued: ['排队中', 'Queued'], sent: ['已发送', 'Sent'], outbox: ['发件箱', 'Outbox'], running: ['进行中', 'Running'],
    verified: ['已校验', 'Verified'], deleted: ['已删除', 'Deleted'], draft: ['草稿', 'Draft'], published: ['已发布', 'Published'],
    archived: ['已归档', 'Archived'], delivered: ['已送达', 'Delivered'],
    sending: ['发送中', 'Sending'], uncertain: ['可能已发送', 'Possibly sent'], used: ['已使用', 'Used'],
  },
  phase: { dumping: ['导出中', 'Dumping'], verifying: ['校验中', 'Verifying'] },
  kind: {
    software: ['软件', 'Software'], points: ['积分', 'Points'], article: ['文章', 'Article'], announcement: ['公告', 'Announcement'],
    service_status: ['服务状态', 'Service status'], system: ['系统', 'System'], business: ['业务', 'Business'],
    daily: ['每日', 'Daily'], weekly: ['每周', 'Weekly'], monthly: ['每月', 'Monthly'], manual: ['手动', 'Manual'],
  },
  announcementType: { system: ['系统公告', 'System announcement'], feature: ['功能更新', 'Feature update'], maintenance: ['维护通知', 'Maintenance notice'] },
  holdReason: {
    amount_threshold: ['金额超过阈值', 'Amount above the threshold'], balance_share: ['超过余额比例', 'Too large a share of the balance'],
    daily_count: ['当日次数过多', 'Too many today'], burst: ['短时间内过于频繁', 'Too many in a short time'],
  },
  audience: { all: ['全部用户', 'Everyone'], role: ['按角色', 'By role'], users: ['指定用户', 'Chosen users'] },
  level: { debug: ['调试', 'Debug'], info: ['信息', 'Info'], warn: ['警告', 'Warning'], error: ['错误', 'Error'], alert: ['告警', 'Alert'] },
  operationType: {
    1: ['购买', 'Purchase'], 2: ['消费', 'Consume'], 3: ['过期', 'Expire'], 4: ['兑换', 'Redeem'], 5: ['管理员调整', 'Admin adjust'], 6: ['退款', 'Refund'],
  },
  paymentStatus: { 0: ['待支付', 'Unpaid'], 1: ['已支付', 'Paid'], 2: ['已关闭', 'Closed'], 3: ['已退款', 'Refunded'] },
  productType: { 1: ['积分', 'Points'], 2: ['套餐', 'Bundle'] },
  promoType: { 1: ['折扣', 'Discount'], 2: ['满减', 'Spend & save'] },
  currency: { CNY: ['人民币 (CNY)', 'Chinese yuan (CNY)'], USD: ['美元 (USD)', 'US dollar (USD)'] },
  serviceStatus: { normal: ['正常', 'Normal'], degraded: ['服务降级', 'Degraded'], maintenance: ['维护中', 'Maintenance'] },
};

const enabled: Tree = { status: { 0: ['禁用', 'Disabled'], 1: ['启用', 'Enabled'] } };
const perResource: Record<string, Tree> = {
  meta_product: enabled,
  rel_product_package: enabled,
  api_catalog: enabled,
  meta_auth_key: enabled,
  metering_services: enabled,
  banners: enabled,
  meta_user: { status: { 0: ['冻结', 'Frozen'], 1: ['正常', 'Active'] } },
  quota_transfers: { kind: { transfer: ['转账', 'Transfer'], recharge: ['代理充值', 'Agent recharge'] } },
  meta_promotion: { status: { 0: ['未激活', 'Inactive'], 1: ['进行中', 'Running'], 2: ['已结束', 'Ended'] } },
  security_events: {
    kind: {
      new_network: ['新网络登录', 'Login from a new network'], new_browser: ['新浏览器登录', 'Login from a new browser'],
      account_locked: ['账号锁定', 'Account locked'], sensitive_ops_limited: ['敏感操作频繁', 'Too many sensitive operations'],
    },
  },
  system_configs: {
    configGroup: {
      basic: ['基础', 'Basic'], security: ['安全', 'Security'], quota: ['额度', 'Quota'],
      notification: ['通知', 'Notifications'], card_key: ['卡密', 'Card keys'], points: ['积分', 'Points'],
    },
  },
};

function pick(tree: Tree, index: 0 | 1): Record<string, unknown> {
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, Array.isArray(v) ? (v as Pair)[index] : pick(v as Tree, index)]));
}

export function enumLabels(lang: 'zh-CN' | 'en'): { labels: Record<string, unknown>; resources: Record<string, { labels: Record<string, unknown> }> } {
  const i = lang === 'zh-CN' ? 0 : 1;
  return {
    labels: pick(shared, i),
    resources: Object.fromEntries(Object.entries(perResource).map(([id, tree]) => [id, { labels: pick(tree, i) }])),
  };
}
