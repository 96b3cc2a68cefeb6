import { imageSize } from 'image-size';
import { badRequest } from '../../errors.js';
import { say } from '../../i18n.js';

/** Banner images: JPG or PNG, at most 2 MB, judged by their bytes (never the name or the browser's type). */
export const BANNER_MAX_BYTES = 2 * 1024 * 1024;
const MAX_SIDE = 8000;

export interface CheckedImage {
  mime: 'image/jpeg' | 'image/png';
  ext: 'jpg' | 'png';
  width: number;
  height: number;
  bytes: number;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

const refuse = () =>
  badRequest(say('图片须为 JPG 或 PNG 格式（按文件内容判断）', 'The image must be a JPG or PNG file (judged by its content)'), 'BAD_IMAGE', 1415);

/** Magic bytes first, then the decoded header must agree on the type and give sane dimensions. */
export function checkBannerImage(bytes: Buffer): CheckedImage {
  if (bytes.length > BANNER_MAX_BYTES) {
    throw badRequest(say('图片不能超过 2 MB', 'The image must be at most 2 MB'), 'IMAGE_TOO_LARGE', 1413);
  }
  const kind = bytes.subarray(0, 8).equals(PNG_MAGIC) ? 'png' : bytes.subarray(0, 3).equals(JPEG_MAGIC) ? 'jpg' : null;
  if (!kind) throw refuse();
  let size: { type?: string; width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch {
    throw refuse();
  }
  if (size.type !== kind || !size.width || !size.height) throw refuse();
  if (size.width > MAX_SIDE || size.height > MAX_SIDE) {
    throw badRequest(say(`图片宽高不能超过 ${MAX_SIDE} 像素`, `The image must be at most ${MAX_SIDE} pixels on each side`), 'IMAGE_TOO_LARGE', 1413);
  }
  return { mime: kind === 'png' ? 'image/png' : 'image/jpeg', ext: kind, width: size.width, height: size.height, bytes: bytes.length };
}
