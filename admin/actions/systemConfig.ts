import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { systemConfigDefinitions, type SystemConfigKey } from '../../server/services/systemConfig/definitions.js';
import { coerceSettingInput, settingKind, updateSetting, type SettingKind } from '../../server/services/systemConfig/systemConfig.js';
import { Components } from '../componentLoader.js';
import { inLang, joinLocalized, say, type Localized } from '../../server/i18n.js';
import { adminLang, requestIp, sessionActor, type DomainAction } from '../resources/define.js';

/**
 * 修改 on a system setting (super admin only): a form suited to the setting's type, validated
 * and logged (change log + operation log) by updateSetting. The generic edit stays off for this
 * table, so the raw JSON value is never written through a form.
 */

export interface SettingFormSpec {
  kind: SettingKind;
  default: unknown;
  /** What the schema accepts (the form says it in words, in the admin's language). */
  accepts: { integer: boolean; min: number | null; max: number | null };
}

function acceptsOf(key: SystemConfigKey): SettingFormSpec['accepts'] {
  const schema = systemConfigDefinitions[key].schema as unknown as {
    minValue?: number | null;
    maxValue?: number | null;
    isInt?: boolean;
    minLength?: number | null;
    maxLength?: number | null;
  };
  return settingKind(key) === 'string'
    ? { integer: true, min: schema.minLength ?? 0, max: schema.maxLength ?? null }
    : { integer: Boolean(schema.isInt), min: schema.minValue ?? null, max: schema.maxValue ?? null };
}

/** Per key, what the form needs (the form is the same for every row; the record says which key; the description is a locale label). */
const settingForms: Record<string, SettingFormSpec> = Object.fromEntries(
  (Object.keys(systemConfigDefinitions) as SystemConfigKey[]).map((key) => [key, { kind: settingKind(key), default: systemConfigDefinitions[key].default, accepts: acceptsOf(key) }]),
);

const shown = (value: unknown): string | Localized => (value === true ? say('开启', 'on') : value === false ? say('关闭', 'off') : JSON.stringify(value));

export const systemConfigActions: Record<string, DomainAction> = {
  updateSetting: {
    actionType: 'record',
    icon: 'Edit',
    component: Components.SettingForm,
    isAccessible: (context) => Boolean(context.record),
    custom: { settings: settingForms },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
      const key = String(context.record!.id());
      const before = context.record!.params.value;
      const raw = coerceSettingInput(key, (request.payload ?? {}).value);
      await updateSetting(key, raw, sessionActor(context), requestIp(request) ?? undefined);
      const record = (await context.resource.findOne(key, context)) ?? context.record!;
      return {
        record: record.toJSON(context.currentAdmin),
        notice: { message: inLang(joinLocalized([say('已修改 ', 'Changed '), key, say('：', ': '), shown(before), ' → ', shown(record.params.value)]), adminLang([request, context])), type: 'success' },
        redirectUrl: context.h.recordActionUrl({ resourceId: 'system_configs', recordId: key, actionName: 'show' }),
      };
    },
  },
};
