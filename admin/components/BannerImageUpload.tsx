import React, { useEffect, useRef, useState } from 'react';
import { Box, Button, FormGroup, Icon, Label, Text } from '@adminjs/design-system';
import { useTranslation, type EditPropertyProps } from 'adminjs';

/**
 * The banner image field: a file picker (JPG/PNG, ≤ 2 MB) with a preview of the chosen file, or
 * of the current image when editing. The server judges the file by its bytes; the checks here
 * only save a round trip. The browser's own file button speaks the browser's language ("Choose
 * File"), so it stays hidden behind a button and a file name in the admin's.
 */
const MAX_BYTES = 2 * 1024 * 1024;

const BannerImageUpload: React.FC<EditPropertyProps> = ({ property, record, onChange, resource }) => {
  const { translateProperty, translateMessage, translateLabel } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const current = (record?.params?.imageUrl as string | undefined) ?? null;
  const [preview, setPreview] = useState<string | null>(current);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => () => void (preview && preview.startsWith('blob:') && URL.revokeObjectURL(preview)), [preview]);

  const pick = (event: React.ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setProblem(translateMessage('bannerImageTooLarge', resource.id));
      return;
    }
    setProblem(null);
    setChosen(file.name);
    onChange(property.path, file);
    setPreview(URL.createObjectURL(file));
  };

  return (
    <FormGroup>
      <Label required={!current}>{translateProperty(property.path, resource.id)}</Label>
      <input ref={input} type="file" accept="image/png,image/jpeg" onChange={pick} hidden data-testid="banner-image-input" />
      <Box flex alignItems="center" style={{ gap: 12 }}>
        <Button type="button" variant="outlined" size="sm" onClick={() => input.current?.click()} data-testid="banner-image-choose">
          <Icon icon="Upload" />
          {translateLabel('bannerImageChoose')}
        </Button>
        <Text variant="sm" data-testid="banner-image-chosen">{chosen ?? (current ? '' : translateLabel('bannerImageNone'))}</Text>
      </Box>
      <Text variant="sm" mt="sm">{translateMessage('bannerImageHint', resource.id)}</Text>
      {problem && <Text color="error" data-testid="banner-image-problem">{problem}</Text>}
      {preview && (
        <Box mt="default">
          <img src={preview} alt="" data-testid="banner-image-preview" style={{ maxHeight: 180, maxWidth: '100%', objectFit: 'contain', borderRadius: 4 }} />
        </Box>
      )}
    </FormGroup>
  );
};

export default BannerImageUpload;
