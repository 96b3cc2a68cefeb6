import type { Package, Product, Promotion } from '../../models/index.js';
import { fromCents, toCents } from '../quota/amount.js';

export interface PackagePrice {
  originalAmount: string;
  discountAmount: string;
  totalAmount: string;
  /** Amount in fen, as WeChat Pay wants it. */
  totalFen: number;
  points: number;
  bonusPoints: number;
  /** The promotion that applied, if any. */
  promotionId: string | null;
  promotionName: string | null;
  pointsExpireAt: Date;
}

/**
 * Whether a promotion applies to a product at `now`: `now` inside [start, end) — the status column
 * only mirrors the window (kept in sync by the worker) — and the product listed in
 * applicable_products (an empty list means every product the promotion is attached to).
 */
export function promotionApplies(promotion: Promotion | null | undefined, productId: string, now: Date): promotion is Promotion {
  if (!promotion) return false;
  if (now < promotion.startTime || now >= promotion.endTime) return false;
  const products = Array.isArray(promotion.applicableProducts) ? (promotion.applicableProducts as unknown[]).map(String) : [];
  return products.length === 0 || products.includes(productId);
}

/** Hundredths of a NUMERIC(5,2) rate such as "0.85", exactly. */
function rateHundredths(rate: string): bigint {
  return toCents(rate);
}

/**
 * The server's price for a package at `now` — the only price ever charged. Discount: price × rate
 * (rounded half-up to the fen); full reduction: price − reduce_amount once price ≥ min_amount.
 * A price never drops below one fen. Bonus points come with an applicable promotion only.
 */
export function pricePackage(pkg: Package, product: Product, promotion: Promotion | null | undefined, now: Date): PackagePrice {
  const original = toCents(pkg.packagePrice);
  let total = original;
  const applies = promotionApplies(promotion, product.id, now);
  if (applies && promotion.promoType === 1 && promotion.discountRate) {
    total = (original * rateHundredths(promotion.discountRate) + 50n) / 100n;
  } else if (applies && promotion.promoType === 2 && promotion.minAmount && promotion.reduceAmount) {
    if (original >= toCents(promotion.minAmount)) total = original - toCents(promotion.reduceAmount);
  }
  if (total < 1n) total = 1n;
  let expiresAt = pkg.expireTime;
  if (product.pointsValidityDays) {
    const relative = new Date(now.getTime() + product.pointsValidityDays * 86_400_000);
    if (relative < expiresAt) expiresAt = relative;
  }
  return {
    originalAmount: fromCents(original),
    discountAmount: fromCents(original - total),
    totalAmount: fromCents(total),
    totalFen: Number(total),
    points: pkg.totalPoints,
    bonusPoints: applies ? promotion.bonusPoints : 0,
    promotionId: applies ? promotion.id : null,
    promotionName: applies ? promotion.name : null,
    pointsExpireAt: expiresAt,
  };
}
