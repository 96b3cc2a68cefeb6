import { z, type ZodType } from 'zod';
import { say, type Localized } from '../../i18n.js';
import { msg } from '../../lib/input.js';

export type ConfigGroup = 'basic' | 'security' | 'quota' | 'notification' | 'card_key' | 'points';

interface Definition<T> {
  group: ConfigGroup;
  schema: ZodType<T>;
  default: T;
  /** What the setting does, as the settings list and form show it (each admin reads it in their language). */
  description: Localized;
}

const def = <T>(group: ConfigGroup, schema: ZodType<T>, value: T, description: Localized): Definition<T> => ({
  group,
  schema,
  default: value,
  description,
});

const money = z.number().positive().max(1_000_000_000).multipleOf(0.01);
const count = (max: number) => z.number().int().min(1).max(max);

/** Every runtime setting a super admin may change, with its validation and default. */
export const systemConfigDefinitions = {
  'basic.site_name': def('basic', z.string().min(1).max(50), 'Seahorse', say('站点名称', 'Site name')),
  'basic.registration_enabled': def('basic', z.boolean(), true, say('是否开放代理自助注册', 'Whether agents may register themselves')),
  'basic.backup_keep_daily': def('basic', count(366), 7, say('保留最近多少份每日备份', 'How many daily backups to keep')),
  'basic.backup_keep_weekly': def('basic', count(520), 4, say('保留最近多少份每周备份（周日）', 'How many weekly backups (Sundays) to keep')),
  'basic.backup_keep_monthly': def('basic', count(1200), 12, say('保留最近多少份每月备份（每月 1 日）', 'How many monthly backups (the 1st of each month) to keep')),
  'basic.log_retention_days': def('basic', z.number().int().min(7).max(3650), 90, say('日志在在线表中保留多少天，之后按月归档（压缩加密）并删除', 'Days logs stay in the online tables; after that they are archived by month (compressed and encrypted) and deleted')),
  'security.password_min_length': def('security', z.number().int().min(8).max(128), 8, say('密码最小长度', 'Minimum password length')),
  'security.password_require_letters': def('security', z.boolean(), true, say('密码必须包含字母', 'Passwords must contain letters')),
  'security.password_require_digits': def('security', z.boolean(), true, say('密码必须包含数字', 'Passwords must contain digits')),
  'security.login_captcha_after': def('security', count(20), 3, say('连续失败多少次后需要验证码', 'Consecutive failures before a captcha is required')),
  'security.login_lock_after': def('security', count(50), 5, say('连续失败多少次后锁定账号', 'Consecutive failures before the account is locked')),
  'security.login_lock_minutes': def('security', count(24 * 60), 15, say('锁定时长（分钟）', 'Lock duration (minutes)')),
  'security.login_ip_max_per_minute': def('security', count(10_000), 30, say('同一 IP 每分钟最多失败登录次数', 'Most failed logins per minute from one IP')),
  'security.auth_rate_limit_per_minute': def('security', z.number().int().min(10).max(10_000), 120, say('认证页面（/auth）同一 IP 每分钟请求上限', 'Most requests per minute from one IP to the account pages (/auth)')),
  'security.verify_link_hours': def('security', count(24 * 7), 24, say('注册验证链接有效期（小时）', 'Validity of the registration verification link (hours)')),
  'security.reset_link_minutes': def('security', count(24 * 60), 60, say('重置密码链接有效期（分钟）', 'Validity of the password reset link (minutes)')),
  'security.new_login_alert_enabled': def('security', z.boolean(), true, say('从近期未出现过的网络或浏览器登录成功时，提醒用户（站内信和邮件）并记入安全日志', 'Warn the user (inbox and email) and write the security log when a login succeeds from a network or browser not seen recently')),
  'security.new_login_lookback_days': def('security', count(365), 90, say('多少天内未出现过的网络（IPv4 /24、IPv6 /48）或浏览器算作新的登录环境', 'Days within which a network (IPv4 /24, IPv6 /48) or browser not seen counts as a new login environment')),
  'security.sensitive_ops_max': def('security', count(10_000), 30, say('每个用户在统计窗口内最多可执行的敏感操作次数（改密码、改邮箱、额度操作、导出、吊销卡密）', 'Most sensitive operations per user within the window (password or email changes, quota operations, exports, card key revocations)')),
  'security.sensitive_ops_window_minutes': def('security', count(24 * 60), 10, say('敏感操作频率统计窗口（分钟）', 'Window for counting sensitive operations (minutes)')),
  'security.sensitive_ops_block_minutes': def('security', count(24 * 60), 30, say('敏感操作超限后暂停多少分钟', 'Minutes sensitive operations stay paused after the limit is passed')),
  'quota.transfer_min': def('quota', money, 1, say('单笔转账最小额度', 'Smallest quota per transfer')),
  'quota.transfer_review_threshold': def('quota', money, 10_000, say('超过此额度的转账（及代理管理员给代理的充值）需超级管理员审核', 'Transfers (and agent admins’ recharges of their agents) above this amount wait for a super admin’s review')),
  'quota.transfer_burst_count': def('quota', count(1000), 10, say('短时间内转出额度（转账、提现、给代理充值）次数上限，超出后的转账、提现和充值需审核', 'Most quota outflows (transfers, withdrawals, recharges of agents) in a short time; transfers, withdrawals and recharges beyond it wait for review')),
  'quota.transfer_burst_minutes': def('quota', count(24 * 60), 10, say('额度转出频率统计窗口（分钟）', 'Window for counting quota outflows (minutes)')),
  'quota.withdrawal_min': def('quota', money, 100, say('单笔提现最小额度', 'Smallest quota per withdrawal')),
  'quota.withdrawal_review_threshold': def('quota', money, 5_000, say('超过此额度的提现需超级管理员审核（异常提现）', 'Withdrawals above this amount wait for a super admin’s review (abnormal withdrawal)')),
  'quota.withdrawal_review_balance_percent': def('quota', z.number().int().min(1).max(100), 80, say('提现超过可用余额的此百分比时需超级管理员审核', 'Withdrawals above this percentage of the available balance wait for a super admin’s review')),
  'quota.withdrawal_daily_max': def('quota', count(1000), 3, say('每人每天（北京时间）提现次数上限，超出后的提现需审核', 'Most withdrawals per person per day (Beijing time); those beyond it wait for review')),
  'quota.amount_max': def('quota', money, 10_000_000, say('单笔额度操作上限', 'Largest amount of one quota operation')),
  'card_key.max_batch_count': def('card_key', count(1_000_000), 100_000, say('单批生成卡密数量上限', 'Most card keys in one batch')),
  'card_key.export_retention_hours': def('card_key', count(24 * 90), 24, say('导出文件保留时长（小时），之后自动删除', 'Hours an export file is kept before it is deleted')),
  'card_key.async_batch_threshold': def('card_key', count(1_000_000), 5_000, say('超过此数量时由后台任务生成', 'Batches larger than this are generated by a background job')),
  'points.order_timeout_minutes': def('points', count(24 * 60), 15, say('待支付订单自动关闭时间（分钟）', 'Minutes before an unpaid order is closed')),
  'points.redeem_attempts_per_hour': def('points', count(1000), 10, say('每用户每小时兑换尝试次数', 'Redemption attempts per user per hour')),
  'points.service_degraded_window_minutes': def('points', count(24 * 60), 10, say('服务状态：统计失败调用的时间窗口（分钟）', 'Service status: window for counting failed calls (minutes)')),
  'points.service_degraded_min_calls': def('points', count(1_000_000), 20, say('服务状态：窗口内至少多少次调用才自动判定', 'Service status: fewest calls in the window before the status is judged automatically')),
  'points.service_degraded_failure_percent': def('points', z.number().int().min(1).max(100), 50, say('服务状态：失败或被拒绝的调用占比达到多少（%）时自动显示“服务降级”', 'Service status: share of failed or refused calls (%) at which “degraded” is shown automatically')),
  'notification.email_enabled': def('notification', z.boolean(), true, say('业务通知是否同时发送邮件', 'Whether business notifications are emailed too')),
  'notification.email_body_retention_days': def('notification', count(3650), 30, say('已发送邮件正文保留天数（之后只保留主题和发送记录）', 'Days the body of a sent email is kept (after that only the subject and the delivery record)')),
  'notification.authorization_expiry_days': def('notification', count(90), 3, say('项目授权到期前多少天提醒代理', 'Days before a project authorization expires that the agent is reminded')),
  'notification.wechat_payment_success_template': def('notification', z.string().max(128).regex(/^[A-Za-z0-9_-]*$/, msg('只能包含字母、数字、下划线和连字符', 'Only letters, digits, underscores and hyphens')), '', say('微信订阅消息“支付成功”模板 ID（留空则不发送）', 'WeChat subscription message template ID for “payment succeeded” (empty: none is sent)')),
  'notification.wechat_payment_success_fields': def('notification', z.string().max(160).regex(/^\s*(?:[a-z]+(?:_[a-z]+)*\d{1,2})?\s*(?:,\s*(?:[a-z]+(?:_[a-z]+)*\d{1,2})?\s*){3}$/, msg('格式：四个模板关键词，逗号分隔（套餐名称,支付金额,到账积分,支付时间），不用的留空', 'Format: four template keywords separated by commas (package name, amount paid, points credited, time paid); leave unused ones empty')), 'thing1,amount2,number3,time4', say('“支付成功”模板的关键词：套餐名称,支付金额,到账积分,支付时间（须与所选模板一致）', 'Keywords of the “payment succeeded” template: package name, amount paid, points credited, time paid (must match the chosen template)')),
  'notification.fault_alerts_enabled': def('notification', z.boolean(), true, say('故障告警：新故障及其恢复时通知超级管理员（站内 + 邮件）', 'Fault alerts: tell super admins (inbox and email) about a new fault and its recovery')),
  'notification.fault_queue_backlog_minutes': def('notification', count(24 * 60), 10, say('故障告警：队列中等待超过多少分钟的任务视为积压', 'Fault alerts: jobs waiting longer than this in a queue (minutes) count as a backlog')),
  'notification.fault_failed_jobs': def('notification', count(100_000), 1, say('故障告警：15 分钟内最终失败的任务达到多少个即告警', 'Fault alerts: alert when this many jobs finally failed within 15 minutes')),
  'notification.fault_5xx_percent': def('notification', z.number().min(0.1).max(100), 5, say('故障告警：最近 5 分钟 5xx 响应占比（%）达到多少即告警', 'Fault alerts: alert when 5xx responses reach this share (%) of the last 5 minutes')),
  'notification.fault_5xx_min_requests': def('notification', count(1_000_000), 20, say('故障告警：5xx 占比至少基于多少个请求计算', 'Fault alerts: fewest requests the 5xx share is computed over')),
  'notification.fault_min_free_disk_mb': def('notification', count(100_000_000), 1024, say('故障告警：数据目录（备份、导出、上传）所在磁盘剩余空间低于多少 MB', 'Fault alerts: alert when the disk of the data folder (backups, exports, uploads) has less free space than this (MB)')),
} as const;

export type SystemConfigKey = keyof typeof systemConfigDefinitions;
export type SystemConfigValue<K extends SystemConfigKey> = (typeof systemConfigDefinitions)[K]['default'];
