import { useTranslation } from 'adminjs';

/** The label of a setting's description (admin/locales/index.ts writes the same: i18next reads dots as nesting). */
export const settingLabel = (key: string) => `setting_${key.replace(/\./g, '__')}`;

/** A setting's value as the admin reads it: switches as 开启/关闭 (On/Off), nothing as —. */
export function useSettingWords() {
  const { translateLabel } = useTranslation();
  const shown = (value: unknown): string =>
    value === true ? translateLabel('setting_on') : value === false ? translateLabel('setting_off') : value === undefined || value === null || value === '' ? '—' : String(value);
  return { shown, describe: (key: string) => translateLabel(settingLabel(key)) };
}
