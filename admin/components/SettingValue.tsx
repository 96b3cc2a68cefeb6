import React from 'react';
import { flat, type BasePropertyProps } from 'adminjs';

/** A setting's value in the list: switches read 开启/关闭 (a bare `false` would render as nothing). */
const SettingValue: React.FC<BasePropertyProps> = ({ record, property }) => {
  const value = flat.get(record?.params ?? {}, property.path);
  const text = value === true ? '开启' : value === false ? '关闭' : value === undefined || value === null ? '—' : String(value);
  return <span data-testid={`setting-value-${record?.id}`}>{text}</span>;
};

export default SettingValue;
