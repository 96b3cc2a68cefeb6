import { Banner } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `banners`. */
export const bannersResource = () =>
  defineResource(Banner, {
    navigation: 'content',
    list: ['id', 'title', 'imageUrl', 'linkUrl', 'sort', 'status'],
    edit: ['title', 'imageUrl', 'imageMime', 'imageSize', 'linkUrl', 'sort', 'status'],
    filter: ['title', 'status'],
    enums: { status: [0, 1], imageMime: ['image/jpeg', 'image/png'] },
    actions: {},
  });
