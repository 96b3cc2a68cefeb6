import { Op } from 'sequelize';
import { notFound } from '../../errors.js';
import { Package, Product, Promotion } from '../../models/index.js';
import { pricePackage, type PackagePrice } from './pricing.js';

export interface PackageView {
  id: string;
  name: string;
  description: string | null;
  isHot: boolean;
  sort: number;
  product: { id: string; name: string; productType: number };
  promotion: { id: string; name: string; type: 'discount' | 'full_reduction'; endTime: string } | null;
  originalPrice: string;
  price: string;
  discount: string;
  points: number;
  bonusPoints: number;
  totalPoints: number;
  currency: string;
  pointsExpireAt: string;
}

export interface SellablePackage {
  pkg: Package;
  product: Product;
  promotion: Promotion | null;
  price: PackagePrice;
}

async function load(where: Record<string, unknown>, now: Date): Promise<SellablePackage[]> {
  const packages = await Package.findAll({
    where: { ...where, status: 1, expireTime: { [Op.gt]: now } },
    order: [['sort', 'ASC'], ['createdAt', 'ASC'], ['id', 'ASC']],
  });
  if (packages.length === 0) return [];
  const products = new Map(
    (await Product.findAll({ where: { id: [...new Set(packages.map((p) => p.productId))], status: 1 } })).map((p) => [p.id, p]),
  );
  const promoIds = [...new Set(packages.map((p) => p.promotionId).filter((id): id is string => Boolean(id)))];
  const promotions = new Map((promoIds.length ? await Promotion.findAll({ where: { id: promoIds } }) : []).map((p) => [p.id, p]));
  const out: SellablePackage[] = [];
  for (const pkg of packages) {
    const product = products.get(pkg.productId);
    if (!product) continue;
    const promotion = pkg.promotionId ? (promotions.get(pkg.promotionId) ?? null) : null;
    out.push({ pkg, product, promotion, price: pricePackage(pkg, product, promotion, now) });
  }
  return out;
}

export function presentPackage({ pkg, product, promotion, price }: SellablePackage): PackageView {
  return {
    id: pkg.id,
    name: pkg.name,
    description: pkg.description,
    isHot: pkg.isHot,
    sort: pkg.sort,
    product: { id: product.id, name: product.name, productType: product.productType },
    promotion:
      price.promotionId && promotion
        ? { id: promotion.id, name: promotion.name, type: promotion.promoType === 1 ? 'discount' : 'full_reduction', endTime: promotion.endTime.toISOString() }
        : null,
    originalPrice: price.originalAmount,
    price: price.totalAmount,
    discount: price.discountAmount,
    points: price.points,
    bonusPoints: price.bonusPoints,
    totalPoints: price.points + price.bonusPoints,
    currency: product.currency,
    pointsExpireAt: price.pointsExpireAt.toISOString(),
  };
}

/** Every package on sale now (package and product on the shelf, not past expiry), priced by the server. */
export async function listPackages(now: Date = new Date()): Promise<PackageView[]> {
  return (await load({}, now)).map(presentPackage);
}

/** One package on sale now with its server price; 404 (3xxx) when it is not for sale. */
export async function sellablePackage(packageId: string, now: Date = new Date()): Promise<SellablePackage> {
  const [found] = await load({ id: packageId }, now);
  if (!found) throw notFound('套餐不存在或已下架', 'PACKAGE_NOT_AVAILABLE', 3404);
  return found;
}
