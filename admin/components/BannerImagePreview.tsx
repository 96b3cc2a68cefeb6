import React from 'react';
import { Text } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';

/** The banner's stored image, small, in the list and on the show page. */
const BannerImagePreview: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const url = record?.params?.[property.path] as string | undefined;
  if (!url) return <Text>—</Text>;
  const height = where === 'list' ? 40 : 160;
  return <img src={url} alt="" data-testid="banner-image" style={{ height, maxWidth: '100%', objectFit: 'contain', borderRadius: 4 }} />;
};

export default BannerImagePreview;
