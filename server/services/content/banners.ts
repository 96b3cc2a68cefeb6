import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { inTransaction } from '../../db/index.js';
import { badRequest, forbidden, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { fileStore } from '../../lib/fileStore.js';
import { logger } from '../../logger.js';
import { Banner } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { authorize } from '../../policies/index.js';
import { recordOperation } from '../audit/operationLog.js';
import { m, onOff, parseInput, sortOrder } from '../catalog/validation.js';
import { checkBannerImage } from './bannerImage.js';

/** A mini-program page (`/pages/home/index?tab=1`) or an https URL; nothing else (never `javascript:`). */
const PAGE_PATH = /^\/?pages\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*(\?[A-Za-z0-9_.~%=&-]*)?$/;
export const bannerLink = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z
    .string()
    .max(1024, m('链接最长 1024 个字符', 'The link is at most 1024 characters'))
    .refine((s) => {
      if (s === '' || PAGE_PATH.test(s)) return true;
      try {
        const u = new URL(s);
        return u.protocol === 'https:' && !!u.hostname;
      } catch {
        return false;
      }
    }, m('链接须为 https:// 地址或小程序页面路径（如 /pages/packages/index）', 'The link must be an https:// address or a mini-program page path (e.g. /pages/packages/index)'))
    .nullish()
    .transform((s) => s || null),
);

export const bannerSchema = z.object({
  title: z
    .string({ error: m('标题必须填写', 'Title is required') })
    .trim()
    .min(1, m('标题必须填写', 'Title is required'))
    .max(100, m('标题最长 100 个字符', 'Title is at most 100 characters')),
  linkUrl: bannerLink,
  sort: sortOrder.default(0),
  status: onOff().default(1),
});
const FIELDS = ['title', 'linkUrl', 'sort', 'status'] as const;

export interface BannerInput {
  title?: unknown;
  linkUrl?: unknown;
  sort?: unknown;
  status?: unknown;
  /** The uploaded image's bytes (required for a new banner). */
  image?: Buffer | null;
}

const snapshot = (b: Banner) => ({ title: b.title, imageUrl: b.imageUrl, imageMime: b.imageMime, imageSize: b.imageSize, linkUrl: b.linkUrl, sort: b.sort, status: b.status });
const pick = (input: BannerInput) => Object.fromEntries(FIELDS.filter((k) => k in input).map((k) => [k, input[k]]));


/** Checks and stores an image; the caller commits the row or removes the file. */
async function storeImage(bytes: Buffer) {
  const image = checkBannerImage(bytes);
  const key = `banners/${randomUUID()}.${image.ext}`;
  const { url } = await fileStore().put(key, bytes, image.mime);
  return { key, fields: { imageUrl: url, imageMime: image.mime, imageSize: image.bytes } };
}

async function removeFile(url: string | null | undefined): Promise<void> {
  const store = fileStore();
  const key = url ? store.keyOf(url) : null;
  if (key) await store.remove(key).catch((err) => logger().warn({ err, key }, 'could not remove an old upload'));
}

/** Writes the change with its audit row; a stored image is removed again when the change fails. */
async function withImage<T>(bytes: Buffer | null | undefined, work: (image: Awaited<ReturnType<typeof storeImage>>['fields'] | null, t: Transaction) => Promise<T>): Promise<T> {
  const stored = bytes ? await storeImage(bytes) : null;
  try {
    return await inTransaction((t) => work(stored?.fields ?? null, t));
  } catch (err) {
    if (stored) await fileStore().remove(stored.key).catch(() => undefined);
    throw err;
  }
}

export async function createBanner(actor: Actor, input: BannerInput, ip: string | null = null): Promise<Banner> {
  authorize(actor, 'manage', 'banners');
  const data = parseInput(bannerSchema, pick(input));
  if (!input.image) throw badRequest(say('请上传横幅图片（JPG 或 PNG，不超过 2 MB）', 'Upload the banner image (JPG or PNG, at most 2 MB)'), 'IMAGE_REQUIRED', 1001);
  return withImage(input.image, async (image, t) => {
    const row = await Banner.create({ ...data, ...image }, { transaction: t });
    await recordOperation({ actor, action: 'banner.create', resource: 'banners', recordId: row.id, after: snapshot(row), ip }, t);
    return row;
  });
}

/** Edits a banner; a new image replaces the old one (whose file is removed after the commit). */
export async function updateBanner(actor: Actor, id: number, input: BannerInput, ip: string | null = null): Promise<Banner> {
  authorize(actor, 'manage', 'banners');
  let oldUrl: string | null = null;
  const row = await withImage(input.image, async (image, t) => {
    const b = await Banner.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
    if (!b) throw notFound(say('横幅不存在', 'Banner not found'), 'BANNER_NOT_FOUND', 1404);
    const before = snapshot(b);
    const data = parseInput(bannerSchema, { ...before, ...pick(input) });
    if (image) oldUrl = b.imageUrl;
    await b.update({ ...data, ...image }, { transaction: t });
    await recordOperation({ actor, action: 'banner.update', resource: 'banners', recordId: id, before, after: snapshot(b), ip }, t);
    return b;
  });
  if (oldUrl) await removeFile(oldUrl);
  return row;
}

export async function deleteBanners(actor: Actor, ids: number[], ip: string | null = null): Promise<void> {
  authorize(actor, 'manage', 'banners');
  const urls = await inTransaction(async (t) => {
    const out: string[] = [];
    for (const id of ids) {
      const b = await Banner.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
      if (!b) throw notFound(say('横幅不存在', 'Banner not found'), 'BANNER_NOT_FOUND', 1404);
      await recordOperation({ actor, action: 'banner.delete', resource: 'banners', recordId: id, before: snapshot(b), ip }, t);
      await b.destroy({ transaction: t });
      out.push(b.imageUrl);
    }
    return out;
  });
  for (const url of urls) await removeFile(url);
}
