import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { systemConfigDefinitions, type SystemConfigKey } from '../../server/services/systemConfig/definitions.js';
import { coerceSettingInput, settingKind, updateSetting, type SettingKind } from '../../server/services/systemConfig/systemConfig.js';
import { Components } from '../componentLoader.js';
import { requestIp, sessionActor, type DomainAction } from '../resources/define.js';

/**
 * 修改 on a system setting (super admin only): a form suited to the setting's type, validated
 * and logged (change log + operation log) by updateSetting. The generic edit stays off for this
 * table, so the raw JSON value is never written through a form.
 */

export interface SettingFormSpec {
  kind: SettingKind;
  default: unknown;
  description: string;
  /** What the schema accepts, in words. */
  hint: string;
}

function hintFor(key: SystemConfigKey): string {
  const schema = systemConfigDefinitions[key].schema as unknown as {
    minValue?: number | null;
    maxValue?: number | null;
    isInt?: boolean;
    minLength?: number | null;
    maxLength?: number | null;
  };
  switch (settingKind(key)) {
    case 'boolean':
      return '开启或关闭';
    case 'number':
      return schema.isInt
        ? `整数，${schema.minValue ?? '不限'} 至 ${schema.maxValue ?? '不限'}`
        : `大于 ${schema.minValue ?? 0}，最多两位小数，不超过 ${schema.maxValue ?? '不限'}`;
    default:
      return `${schema.minLength ?? 0} 至 ${schema.maxLength ?? '不限'} 个字`;
  }
}

/** Per key, what the form needs (the form is the same for every row; the record says which key). */
const settingForms: Record<string, SettingFormSpec> = Object.fromEntries(
  (Object.keys(systemConfigDefinitions) as SystemConfigKey[]).map((key) => [
    key,
    { kind: settingKind(key), default: systemConfigDefinitions[key].default, description: systemConfigDefinitions[key].description, hint: hintFor(key) },
  ]),
);


const shown = (value: unknown): string => (value === true ? '开启' : value === false ? '关闭' : JSON.stringify(value));

export const systemConfigActions: Record<string, DomainAction> = {
  updateSetting: {
    actionType: 'record',
    icon: 'Edit',
    component: Components.SettingForm,
    isAccessible: (context) => Boolean(context.record),
    custom: { title: '修改配置项', submitLabel: '保存', settings: settingForms },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const key = String(context.record!.id());
      const before = context.record!.params.value;
      const raw = coerceSettingInput(key, (request.payload ?? {}).value);
      await updateSetting(key, raw, sessionActor(context), requestIp(request) ?? undefined);
      const record = (await context.resource.findOne(key, context)) ?? context.record!;
      return {
        record: record.toJSON(context.currentAdmin),
        notice: { message: `已修改 ${key}：${shown(before)} → ${shown(record.params.value)}`, type: 'success' },
        redirectUrl: context.h.recordActionUrl({ resourceId: 'system_configs', recordId: key, actionName: 'show' }),
      };
    },
  },
};
