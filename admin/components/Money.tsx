import React from 'react';
import { Text } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';

/** NUMERIC money arrives as an exact decimal string; grouping digits by hand keeps it exact (no floats). */
export function formatMoney(raw: unknown): string {
  if (raw === null || raw === undefined || raw === '') return '—';
  const s = String(raw).trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return s;
  const int = m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = (m[3] ?? '').padEnd(2, '0');
  return `${m[1] ?? ''}¥${int}.${frac}`;
}

const Money: React.FC<BasePropertyProps> = ({ record, property }) => (
  <Text data-testid="money" style={{ fontVariantNumeric: 'tabular-nums' }}>
    {formatMoney(record?.params?.[property.path])}
  </Text>
);

export default Money;
