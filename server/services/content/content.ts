import { Op } from 'sequelize';
import { pageOf, pageWindow, type Page } from '../../http/envelope.js';
import { Article, Banner } from '../../models/index.js';

export interface BannerView {
  id: number;
  title: string;
  imageUrl: string;
  linkUrl: string | null;
  sort: number;
}

/** Banners switched on, in display order. */
export async function listBanners(): Promise<BannerView[]> {
  const rows = await Banner.findAll({ where: { status: 1 }, order: [['sort', 'ASC'], ['id', 'ASC']], limit: 20 });
  return rows.map((b) => ({ id: b.id, title: b.title, imageUrl: b.imageUrl, linkUrl: b.linkUrl, sort: b.sort }));
}

export interface ArticleView {
  id: number;
  kind: string;
  title: string;
  summary: string | null;
  content?: string;
  publishedAt: string | null;
}

const published = (now: Date) => ({ status: 'published', publishedAt: { [Op.lte]: now } });

/** Published articles and announcements (not the service-status notices), newest first. */
export async function listArticles(query: { page: number; pageSize: number; kind?: 'article' | 'announcement' }, now = new Date()): Promise<Page<ArticleView>> {
  const { rows, count } = await Article.findAndCountAll({
    where: { ...published(now), kind: query.kind ?? ['article', 'announcement'] },
    order: [['publishedAt', 'DESC'], ['id', 'DESC']],
    ...pageWindow(query),
  });
  return pageOf(query, count, rows.map((a) => ({ id: a.id, kind: a.kind, title: a.title, summary: a.summary, publishedAt: a.publishedAt?.toISOString() ?? null })));
}

/** One published article with its content; null when it is not public. */
export async function getArticle(id: number, now = new Date()): Promise<ArticleView | null> {
  const a = await Article.findOne({ where: { id, ...published(now), kind: ['article', 'announcement'] } });
  return a ? { id: a.id, kind: a.kind, title: a.title, summary: a.summary, content: a.content, publishedAt: a.publishedAt?.toISOString() ?? null } : null;
}

/** A published article the mini-program opens by its page key (`about`, `agreement`); null when none. */
export async function getArticleBySlug(slug: string, now = new Date()): Promise<ArticleView | null> {
  const a = await Article.findOne({ where: { slug, ...published(now), kind: ['article', 'announcement'] } });
  return a ? { id: a.id, kind: a.kind, title: a.title, summary: a.summary, content: a.content, publishedAt: a.publishedAt?.toISOString() ?? null } : null;
}

export { getServiceStatus, type ApiStatusLine, type ServiceStatusView } from './serviceStatus.js';
