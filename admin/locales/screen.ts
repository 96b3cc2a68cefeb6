/**
 * The admin's own words around the data (our components' texts and the adapter's refusals), in
 * both languages side by side: the English table has exactly the keys of the zh-CN one, so one
 * cannot be added without the other. Components read them with `translateLabel`/`translateMessage`.
 */
const zh = {
  labels: {
    commandForm_summaryLine: '{{label}}：{{value}}',
    commandForm_selected: '已选择 {{count}} 条',
    commandForm_account: '可用额度：{{balance}}　冻结额度：{{frozen}}',
    commandForm_exportRunning: '导出状态：生成中…',
    commandForm_exportDone: '导出状态：已完成（{{rows}} 条）',
    commandForm_exportFailed: '导出状态：失败',
    commandForm_download: '下载文件',
    settingForm_title: '修改配置项',
    settingForm_submit: '保存',
    settingForm_key: '配置项：{{key}}',
    settingForm_description: '说明：{{text}}',
    settingForm_current: '当前值：{{value}}',
    settingForm_default: '默认值：{{value}}',
    settingForm_accepts: '取值：{{hint}}',
    settingForm_newValue: '新的值',
    settingForm_unknown: '未知的配置项：{{key}}',
    setting_on: '开启',
    setting_off: '关闭',
    settingHint_boolean: '开启或关闭',
    settingHint_integer: '整数，{{min}} 至 {{max}}',
    settingHint_decimal: '大于 {{min}}，最多两位小数，不超过 {{max}}',
    settingHint_text: '{{min}} 至 {{max}} 个字',
    settingHint_unlimited: '不限',
    bannerImageChoose: '选择图片',
    bannerImageNone: '未选择文件',
  },
  messages: {
    selectPlaceholder: '请选择…',
    selectNoOptions: '没有可选项',
    selectLoading: '加载中…',
    requestFailed: '请求失败，请稍后重试',
    notLoggedIn: '请先登录',
    filterFieldRefused: '不能按该字段筛选',
    invalidDateFilter: '日期格式不正确',
    recordNotVisible: '记录不存在或无权访问',
  },
};

type Table = { [G in keyof typeof zh]: Record<keyof (typeof zh)[G], string> };

const en: Table = {
  labels: {
    commandForm_summaryLine: '{{label}}: {{value}}',
    commandForm_selected: '{{count}} selected',
    commandForm_account: 'Available: {{balance}}　Frozen: {{frozen}}',
    commandForm_exportRunning: 'Export: in progress…',
    commandForm_exportDone: 'Export: done ({{rows}} rows)',
    commandForm_exportFailed: 'Export: failed',
    commandForm_download: 'Download file',
    settingForm_title: 'Change setting',
    settingForm_submit: 'Save',
    settingForm_key: 'Setting: {{key}}',
    settingForm_description: 'What it does: {{text}}',
    settingForm_current: 'Current value: {{value}}',
    settingForm_default: 'Default: {{value}}',
    settingForm_accepts: 'Accepts: {{hint}}',
    settingForm_newValue: 'New value',
    settingForm_unknown: 'Unknown setting: {{key}}',
    setting_on: 'On',
    setting_off: 'Off',
    settingHint_boolean: 'on or off',
    settingHint_integer: 'a whole number from {{min}} to {{max}}',
    settingHint_decimal: 'above {{min}}, at most two decimals, at most {{max}}',
    settingHint_text: '{{min}} to {{max}} characters',
    settingHint_unlimited: 'no limit',
    bannerImageChoose: 'Choose image',
    bannerImageNone: 'No file chosen',
  },
  messages: {
    selectPlaceholder: 'Select…',
    selectNoOptions: 'No options',
    selectLoading: 'Loading…',
    requestFailed: 'The request failed, please try again',
    notLoggedIn: 'Please log in first',
    filterFieldRefused: 'You cannot filter by this field',
    invalidDateFilter: 'The date is not in a valid format',
    recordNotVisible: 'The record does not exist or you may not see it',
  },
};

export const screenTexts: Record<'zh-CN' | 'en', Table> = { 'zh-CN': zh, en };
