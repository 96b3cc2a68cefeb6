import { z, type ZodType } from 'zod';

export type ConfigGroup = 'basic' | 'security' | 'quota' | 'notification' | 'card_key' | 'points';

interface Definition<T> {
  group: ConfigGroup;
  schema: ZodType<T>;
  default: T;
  description: string;
}

const def = <T>(group: ConfigGroup, schema: ZodType<T>, value: T, description: string): Definition<T> => ({
  group,
  schema,
  default: value,
  description,
});

const money = z.number().positive().max(1_000_000_000).multipleOf(0.01);
const count = (max: number) => z.number().int().min(1).max(max);

/** Every runtime setting a super admin may change, with its validation and default. */
export const systemConfigDefinitions = {
  'basic.site_name': def('basic', z.string().min(1).max(50), 'Seahorse', '站点名称'),
  'basic.registration_enabled': def('basic', z.boolean(), true, '是否开放代理自助注册'),
  'basic.backup_keep_daily': def('basic', count(366), 7, '保留最近多少份每日备份'),
  'basic.backup_keep_weekly': def('basic', count(520), 4, '保留最近多少份每周备份（周日）'),
  'basic.backup_keep_monthly': def('basic', count(1200), 12, '保留最近多少份每月备份（每月 1 日）'),
  'basic.log_retention_days': def('basic', z.number().int().min(7).max(3650), 90, '日志在在线表中保留多少天，之后按月归档（压缩加密）并删除'),
  'security.password_min_length': def('security', z.number().int().min(8).max(128), 8, '密码最小长度'),
  'security.password_require_letters': def('security', z.boolean(), true, '密码必须包含字母'),
  'security.password_require_digits': def('security', z.boolean(), true, '密码必须包含数字'),
  'security.login_captcha_after': def('security', count(20), 3, '连续失败多少次后需要验证码'),
  'security.login_lock_after': def('security', count(50), 5, '连续失败多少次后锁定账号'),
  'security.login_lock_minutes': def('security', count(24 * 60), 15, '锁定时长（分钟）'),
  'security.login_ip_max_per_minute': def('security', count(10_000), 30, '同一 IP 每分钟最多失败登录次数'),
  'security.auth_rate_limit_per_minute': def('security', z.number().int().min(10).max(10_000), 120, '认证页面（/auth）同一 IP 每分钟请求上限'),
  'security.verify_link_hours': def('security', count(24 * 7), 24, '注册验证链接有效期（小时）'),
  'security.reset_link_minutes': def('security', count(24 * 60), 60, '重置密码链接有效期（分钟）'),
  'security.new_login_alert_enabled': def('security', z.boolean(), true, '从近期未出现过的网络或浏览器登录成功时，提醒用户（站内信和邮件）并记入安全日志'),
  'security.new_login_lookback_days': def('security', count(365), 90, '多少天内未出现过的网络（IPv4 /24、IPv6 /48）或浏览器算作新的登录环境'),
  'security.sensitive_ops_max': def('security', count(10_000), 30, '每个用户在统计窗口内最多可执行的敏感操作次数（改密码、改邮箱、额度操作、导出、吊销卡密）'),
  'security.sensitive_ops_window_minutes': def('security', count(24 * 60), 10, '敏感操作频率统计窗口（分钟）'),
  'security.sensitive_ops_block_minutes': def('security', count(24 * 60), 30, '敏感操作超限后暂停多少分钟'),
  'quota.transfer_min': def('quota', money, 1, '单笔转账最小额度'),
  'quota.transfer_review_threshold': def('quota', money, 10_000, '超过此额度的转账需超级管理员审核'),
  'quota.transfer_burst_count': def('quota', count(1000), 10, '短时间内转出额度（转账、提现、给代理充值）次数上限，超出后的转账和提现需审核'),
  'quota.transfer_burst_minutes': def('quota', count(24 * 60), 10, '额度转出频率统计窗口（分钟）'),
  'quota.withdrawal_min': def('quota', money, 100, '单笔提现最小额度'),
  'quota.withdrawal_review_threshold': def('quota', money, 5_000, '超过此额度的提现需超级管理员审核（异常提现）'),
  'quota.withdrawal_review_balance_percent': def('quota', z.number().int().min(1).max(100), 80, '提现超过可用余额的此百分比时需超级管理员审核'),
  'quota.withdrawal_daily_max': def('quota', count(1000), 3, '每人每天（北京时间）提现次数上限，超出后的提现需审核'),
  'quota.amount_max': def('quota', money, 10_000_000, '单笔额度操作上限'),
  'card_key.max_batch_count': def('card_key', count(1_000_000), 100_000, '单批生成卡密数量上限'),
  'card_key.export_retention_hours': def('card_key', count(24 * 90), 24, '导出文件保留时长（小时），之后自动删除'),
  'card_key.async_batch_threshold': def('card_key', count(1_000_000), 5_000, '超过此数量时由后台任务生成'),
  'points.order_timeout_minutes': def('points', count(24 * 60), 15, '待支付订单自动关闭时间（分钟）'),
  'points.redeem_attempts_per_hour': def('points', count(1000), 10, '每用户每小时兑换尝试次数'),
  'points.service_degraded_window_minutes': def('points', count(24 * 60), 10, '服务状态：统计失败调用的时间窗口（分钟）'),
  'points.service_degraded_min_calls': def('points', count(1_000_000), 20, '服务状态：窗口内至少多少次调用才自动判定'),
  'points.service_degraded_failure_percent': def('points', z.number().int().min(1).max(100), 50, '服务状态：失败或被拒绝的调用占比达到多少（%）时自动显示“服务降级”'),
  'notification.email_enabled': def('notification', z.boolean(), true, '业务通知是否同时发送邮件'),
  'notification.email_body_retention_days': def('notification', count(3650), 30, '已发送邮件正文保留天数（之后只保留主题和发送记录）'),
  'notification.authorization_expiry_days': def('notification', count(90), 3, '项目授权到期前多少天提醒代理'),
  'notification.wechat_payment_success_template': def('notification', z.string().max(128).regex(/^[A-Za-z0-9_-]*$/, '只能包含字母、数字、下划线和连字符'), '', '微信订阅消息“支付成功”模板 ID（留空则不发送）'),
  'notification.wechat_payment_success_fields': def('notification', z.string().max(160).regex(/^\s*(?:[a-z]+(?:_[a-z]+)*\d{1,2})?\s*(?:,\s*(?:[a-z]+(?:_[a-z]+)*\d{1,2})?\s*){3}$/, '格式：四个模板关键词，逗号分隔（套餐名称,支付金额,到账积分,支付时间），不用的留空'), 'thing1,amount2,number3,time4', '“支付成功”模板的关键词：套餐名称,支付金额,到账积分,支付时间（须与所选模板一致）'),
  'notification.fault_alerts_enabled': def('notification', z.boolean(), true, '故障告警：新故障及其恢复时通知超级管理员（站内 + 邮件）'),
  'notification.fault_queue_backlog_minutes': def('notification', count(24 * 60), 10, '故障告警：队列中等待超过多少分钟的任务视为积压'),
  'notification.fault_failed_jobs': def('notification', count(100_000), 1, '故障告警：15 分钟内最终失败的任务达到多少个即告警'),
  'notification.fault_5xx_percent': def('notification', z.number().min(0.1).max(100), 5, '故障告警：最近 5 分钟 5xx 响应占比（%）达到多少即告警'),
  'notification.fault_5xx_min_requests': def('notification', count(1_000_000), 20, '故障告警：5xx 占比至少基于多少个请求计算'),
  'notification.fault_min_free_disk_mb': def('notification', count(100_000_000), 1024, '故障告警：数据目录（备份、导出、上传）所在磁盘剩余空间低于多少 MB'),
} as const;

export type SystemConfigKey = keyof typeof systemConfigDefinitions;
export type SystemConfigValue<K extends SystemConfigKey> = (typeof systemConfigDefinitions)[K]['default'];
