import { say } from '../i18n.js';
import { allow, definePolicy, refusal, SUPER, type Policy } from './policy.js';

const catalogRefusal = refusal(say('只有超级管理员可以管理商品、促销与套餐', 'Only a super admin may manage products, promotions and packages'));

/** The points catalog (products, promotions, packages): the super admin creates, edits, deletes and takes off sale. */
const catalogPolicy = (resource: string): Policy => definePolicy(resource, allow(SUPER, ['manage', 'takeOffSale'], { refusal: catalogRefusal }));

export const productPolicy = catalogPolicy('meta_product');
export const promotionPolicy = catalogPolicy('meta_promotion');
export const packagePolicy = catalogPolicy('rel_product_package');
