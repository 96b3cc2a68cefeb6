import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { BANNER_MAX_BYTES } from '../../server/services/content/bannerImage.js';
import { createBanner, deleteBanners, updateBanner, type BannerInput } from '../../server/services/content/banners.js';
import { say } from '../../server/i18n.js';
import type { ResourceSpec } from '../resources/define.js';
import { requestIp, sessionActor } from '../resources/define.js';
import { discardUploads, takeUpload } from '../uploads.js';

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

const list = (context: ActionContext) => context.h.resourceUrl({ resourceId: 'banners' });

export const bannerHandlers: NonNullable<ResourceSpec['handlers']> = {
  new: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return {};
    const banner = await createBanner(sessionActor(context), await input(request), requestIp(request));
    const record = await context.resource.findOne(String(banner.id), context);
    return { redirectUrl: list(context), notice: { message: 'successfullyCreated', type: 'success' }, record: record!.toJSON(context.currentAdmin) };
  },
  edit: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
    const id = Number(context.record!.id());
    await updateBanner(sessionActor(context), id, await input(request), requestIp(request));
    const record = await context.resource.findOne(String(id), context);
    return { redirectUrl: list(context), notice: { message: 'successfullyUpdated', type: 'success' }, record: record!.toJSON(context.currentAdmin) };
  },
  delete: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
    await deleteBanners(sessionActor(context), [Number(context.record!.id())], requestIp(request));
    return { redirectUrl: list(context), notice: { message: 'successfullyDeleted', type: 'success' }, record: context.record!.toJSON(context.currentAdmin) };
  },
  bulkDelete: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    const records = context.records ?? [];
    if (request.method !== 'post') return { records: records.map((r) => r.toJSON(context.currentAdmin)) };
    await deleteBanners(sessionActor(context), records.map((r) => Number(r.id())), requestIp(request));
    return { redirectUrl: list(context), notice: { message: 'successfullyBulkDeleted', type: 'success' }, records: records.map((r) => r.toJSON(context.currentAdmin)) };
  },
};
