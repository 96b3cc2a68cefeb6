import { Op, type Transaction } from 'sequelize';
import { z } from 'zod';
import { badRequest, conflict, notFound } from '../../errors.js';
import { say } from '../../i18n.js';
import { Order, Package, Product, Promotion } from '../../models/index.js';
import type { Actor } from '../../policies/actor.js';
import { auditedChange, auditedDeletes, pick } from './commandKit.js';
import { dateTime, m, money, name, parseInput, wholeNumber } from './validation.js';

const DISCOUNT = 1;
const FULL_REDUCTION = 2;

const rate = z.preprocess(
  (v) => (v === '' || v == null ? undefined : typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : v),
  z
    .string()
    .regex(/^\d(\.\d{1,2})?$/, m('折扣率须为最多两位小数（如 0.85）', 'The discount rate must have at most 2 decimals (e.g. 0.85)'))
    .refine((s) => Number(s) > 0 && Number(s) <= 1, m('折扣率须大于 0 且不超过 1', 'The discount rate must be above 0 and at most 1'))
    .transform((s) => Number(s).toFixed(2))
    .optional(),
);

/** Product ids: a JSON array, an AdminJS array (`{0: id, 1: id}`), or a comma-separated string. */
const productIds = z.preprocess((v) => {
  if (v == null || v === '') return [];
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(v)) return v;
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>);
  return v;
}, z.array(z.string().trim().uuid(m('适用商品须为有效的商品', 'Applicable products must be valid products'))).max(100));

/**
 * `meta_promotion`: a discount (rate in (0, 1]) or a full reduction (spend ≥ threshold: minus an
 * amount below the threshold, and/or bonus points), inside a window whose end is after its start.
 */
export const promotionSchema = z
  .object({
    name,
    promoType: z.coerce
      .number()
      .pipe(z.union([z.literal(DISCOUNT), z.literal(FULL_REDUCTION)], { error: m('促销类型只能是 1（折扣）或 2（满减）', 'Promotion type must be 1 (discount) or 2 (full reduction)') })),
    discountRate: rate,
    minAmount: money('满减门槛', 'Threshold').optional().catch(undefined as never),
    reduceAmount: money('减免金额', 'Reduction').optional().catch(undefined as never),
    bonusPoints: wholeNumber('赠送积分', 'Bonus points').default(0),
    startTime: dateTime('开始时间', 'Start'),
    endTime: dateTime('结束时间', 'End'),
    applicableProducts: productIds.default([]),
    memo: z.string().trim().max(2000, m('备注最长 2000 个字符', 'Memo is at most 2000 characters')).nullish().transform((v) => v || null),
  })
  .refine((p) => p.endTime > p.startTime, m('结束时间必须晚于开始时间', 'The end must be after the start'));

export type PromotionInput = z.output<typeof promotionSchema>;
const FIELDS = ['name', 'promoType', 'discountRate', 'minAmount', 'reduceAmount', 'bonusPoints', 'startTime', 'endTime', 'applicableProducts', 'memo'] as const;

/** The type's own rules, checked after the field rules (messages name the type). */
function coherent(p: PromotionInput) {
  if (p.promoType === DISCOUNT) {
    if (!p.discountRate) throw badRequest(say('折扣促销必须填写折扣率（0–1，如 0.85）', 'A discount needs a discount rate (0–1, e.g. 0.85)'), 'VALIDATION_FAILED', 3001);
    return { ...p, minAmount: null, reduceAmount: null };
  }
  if (!p.minAmount) throw badRequest(say('满减促销必须填写满减门槛（大于 0 的金额）', 'A full reduction needs a threshold (an amount above 0)'), 'VALIDATION_FAILED', 3001);
  if (!p.reduceAmount && p.bonusPoints === 0) {
    throw badRequest(say('满减促销须有减免金额或赠送积分', 'A full reduction needs a reduction or bonus points'), 'VALIDATION_FAILED', 3001);
  }
  if (p.reduceAmount && Number(p.reduceAmount) >= Number(p.minAmount)) {
    throw badRequest(say('减免金额必须小于满减门槛', 'The reduction must be below the threshold'), 'VALIDATION_FAILED', 3001);
  }
  return { ...p, discountRate: null, reduceAmount: p.reduceAmount ?? null };
}

/** Status mirrors the window (0 not started, 1 running, 2 ended), as syncPromotionStatuses keeps it. */
const windowStatus = (p: { startTime: Date; endTime: Date }, now: Date) => (now < p.startTime ? 0 : now >= p.endTime ? 2 : 1);

async function validated(input: unknown, t: Transaction, now: Date) {
  const p = coherent(parseInput(promotionSchema, input));
  const ids = [...new Set(p.applicableProducts)];
  if (ids.length) {
    const found = await Product.count({ where: { id: { [Op.in]: ids } }, transaction: t });
    if (found !== ids.length) throw badRequest(say('适用商品中有不存在的商品', 'Some applicable products do not exist'), 'PRODUCT_NOT_FOUND', 3404);
  }
  return { ...p, applicableProducts: ids, status: windowStatus(p, now) };
}

export const promotionSnapshot = (p: Promotion) => ({
  name: p.name,
  promoType: p.promoType,
  discountRate: p.discountRate,
  minAmount: p.minAmount,
  reduceAmount: p.reduceAmount,
  bonusPoints: p.bonusPoints,
  startTime: p.startTime,
  endTime: p.endTime,
  applicableProducts: p.applicableProducts,
  status: p.status,
  memo: p.memo,
});

async function lockPromotion(id: string, t: Transaction): Promise<Promotion> {
  const row = await Promotion.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
  if (!row) throw notFound(say('促销不存在', 'Promotion not found'), 'PROMOTION_NOT_FOUND', 3404);
  return row;
}

export function createPromotion(actor: Actor, input: unknown, ip: string | null = null, now = new Date()): Promise<Promotion> {
  return auditedChange(actor, 'catalog.promotion.create', 'meta_promotion', ip, async (t) => {
    const row = await Promotion.create(await validated(pick(input, FIELDS), t, now), { transaction: t });
    return { result: row, recordId: row.id, after: promotionSnapshot(row) };
  });
}

export function updatePromotion(actor: Actor, id: string, input: unknown, ip: string | null = null, now = new Date()): Promise<Promotion> {
  return auditedChange(actor, 'catalog.promotion.update', 'meta_promotion', ip, async (t) => {
    const row = await lockPromotion(id, t);
    const before = promotionSnapshot(row);
    await row.update(await validated({ ...before, ...pick(input, FIELDS) }, t, now), { transaction: t });
    return { result: row, recordId: id, before, after: promotionSnapshot(row) };
  });
}

/** 下架: the promotion ends now (packages keep selling at their own price); a future one never starts. */
export function endPromotion(actor: Actor, id: string, ip: string | null = null, now = new Date()): Promise<Promotion> {
  return auditedChange(actor, 'catalog.promotion.end', 'meta_promotion', ip, async (t) => {
    const row = await lockPromotion(id, t);
    const before = promotionSnapshot(row);
    if (row.endTime > now) {
      const startTime = row.startTime < now ? row.startTime : new Date(now.getTime() - 1000);
      await row.update({ startTime, endTime: now, status: 2 }, { transaction: t });
    }
    return { result: row, recordId: id, before, after: promotionSnapshot(row) };
  });
}

/** Deletes promotions no package or order refers to (else: end it instead). */
export function deletePromotions(actor: Actor, ids: string[], ip: string | null = null): Promise<void> {
  return auditedDeletes(actor, 'catalog.promotion.delete', 'meta_promotion', ids, ip, async (id, t) => {
    const row = await lockPromotion(id, t);
    const used = (await Package.count({ where: { promotionId: id }, transaction: t })) + (await Order.count({ where: { promotionId: id }, transaction: t }));
    if (used > 0) {
      throw conflict(
        say(`促销「${row.name}」已被套餐或订单引用，不能删除，请改为下架（立即结束）`, `Promotion "${row.name}" is used by packages or orders and cannot be deleted; end it instead`),
        'PROMOTION_IN_USE',
        3409,
      );
    }
    const before = promotionSnapshot(row);
    await row.destroy({ transaction: t });
    return before;
  });
}
