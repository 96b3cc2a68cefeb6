import React from 'react';
import { flat, type BasePropertyProps } from 'adminjs';
import { useSettingWords } from './shared/settingWords';

/** A setting's value in the list: switches read 开启/关闭 (On/Off) in the admin's language (a bare `false` would render as nothing). */
const SettingValue: React.FC<BasePropertyProps> = ({ record, property }) => {
  const { shown } = useSettingWords();
  return <span data-testid={`setting-value-${record?.id}`}>{shown(flat.get(record?.params ?? {}, property.path))}</span>;
};

export default SettingValue;
