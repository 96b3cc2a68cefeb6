import { Article } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `articles`. */
export const articlesResource = () =>
  defineResource(Article, {
    navigation: 'content',
    list: ['id', 'kind', 'title', 'status', 'publishedAt', 'authorId'],
    edit: ['kind', 'slug', 'title', 'summary', 'content', 'status', 'publishedAt'],
    filter: ['kind', 'title', 'status', 'publishedAt'],
    textarea: ['summary', 'content'],
    enums: { kind: ['article', 'announcement', 'service_status'], status: ['draft', 'published', 'archived'] },
    stampActor: ['authorId'],
    actions: {},
  });
