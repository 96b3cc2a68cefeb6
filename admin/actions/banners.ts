import type { ActionRequest } from 'adminjs';
import { BANNER_MAX_BYTES } from '../../server/services/content/bannerImage.js';
import { createBanner, deleteBanners, updateBanner, type BannerInput } from '../../server/services/content/banners.js';
import { say } from '../../server/i18n.js';
import { discardUploads, takeUpload } from '../uploads.js';
import { crudHandlers } from './helpers.js';

/**
 * Banners (super admin): new / edit / delete go through the banner commands — the image (form
 * field `imageFile`) judged by its bytes, stored through the file store, the change audited.
 */
async function input(request: ActionRequest): Promise<BannerInput> {
  const p = (request.payload ?? {}) as Record<string, unknown>;
  try {
    const image = await takeUpload(p.imageFile, BANNER_MAX_BYTES, say('图片不能超过 2 MB', 'The image must be at most 2 MB'));
    const out: BannerInput = { image };
    for (const k of ['title', 'linkUrl', 'sort', 'status'] as const) if (k in p) out[k] = p[k];
    return out;
  } finally {
    await discardUploads(p);
  }
}

export const bannerHandlers = crudHandlers('banners', {
  input,
  create: createBanner,
  update: (actor, id, banner: BannerInput, ip) => updateBanner(actor, Number(id), banner, ip),
  remove: (actor, ids, ip) => deleteBanners(actor, ids.map(Number), ip),
});
