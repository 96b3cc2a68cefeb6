import React from 'react';
import { type BasePropertyProps } from 'adminjs';
import { useSettingWords } from './shared/settingWords';

/** What a setting does, in the admin's language (the stored column holds the zh-CN text for the database's readers). */
const SettingDescription: React.FC<BasePropertyProps> = ({ record }) => {
  const { describe } = useSettingWords();
  return <span data-testid={`setting-description-${record?.id}`}>{describe(String(record?.id ?? ''))}</span>;
};

export default SettingDescription;
