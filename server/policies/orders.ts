import { say } from '../i18n.js';
import { allow, definePolicy, refusal, SUPER } from './policy.js';

export const orderPolicy = definePolicy(
  'meta_order',
  allow(SUPER, ['queryWechat', 'refund'], { refusal: refusal(say('只有超级管理员可以操作订单', 'Only super admins handle orders')) }),
);
