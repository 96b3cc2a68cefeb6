import React from 'react';
import { Box, Label } from '@adminjs/design-system';
import { flat, type BasePropertyProps } from 'adminjs';

/** JSON columns are read-only in the admin: the stock form would turn numbers into strings on save. */
const Json: React.FC<BasePropertyProps> = ({ record, property }) => {
  const value = flat.get(record?.params ?? {}, property.path);
  return (
    <Box mb="xl">
      <Label>{property.label}</Label>
      <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>
        {value === undefined || value === null ? '—' : JSON.stringify(value, null, 2)}
      </pre>
    </Box>
  );
};

export default Json;
