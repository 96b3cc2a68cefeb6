export { listPackages, sellablePackage, presentPackage, type PackageView, type SellablePackage } from './listPackages.js';
export { pricePackage, promotionApplies, type PackagePrice } from './pricing.js';
export { syncPromotionStatuses } from './syncPromotionStatus.js';
