import { Banner } from '../../server/models/index.js';
import { bannerHandlers } from '../actions/banners.js';
import { Components } from '../componentLoader.js';
import { defineResource } from './define.js';

/** `banners`: the image is uploaded in the form (`imageFile`, with a preview) and checked by content on the server. */
export const bannersResource = () =>
  defineResource(Banner, {
    navigation: 'content',
    list: ['id', 'imageUrl', 'title', 'linkUrl', 'sort', 'status'],
    show: ['id', 'imageUrl', 'title', 'linkUrl', 'imageMime', 'imageSize', 'sort', 'status', 'createdAt', 'updatedAt'],
    edit: ['title', 'imageFile', 'linkUrl', 'sort', 'status'],
    filter: ['title', 'status'],
    optional: ['sort', 'status'],
    enums: { status: [0, 1] },
    actions: {},
    handlers: bannerHandlers,
    options: {
      properties: {
        imageFile: { type: 'string', isVisible: { list: false, show: false, filter: false, edit: true }, components: { edit: Components.BannerImageUpload } },
        imageUrl: { components: { list: Components.BannerImagePreview, show: Components.BannerImagePreview } },
      },
    },
  });
