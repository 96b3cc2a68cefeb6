import { say } from '../i18n.js';
import { allow, definePolicy, refusal, SUPER } from './policy.js';

/** banners: the super admin manages the home page's banners. */
export const bannerPolicy = definePolicy('banners', allow(SUPER, 'manage', { refusal: refusal(say('只有超级管理员可以管理横幅', 'Only a super admin may manage banners')) }));

/** notifications: the super admin publishes announcements. */
export const notificationPolicy = definePolicy(
  'notifications',
  allow(SUPER, 'publish', { refusal: refusal(say('只有超级管理员可以发布通知', 'Only a super admin may publish announcements')) }),
);
