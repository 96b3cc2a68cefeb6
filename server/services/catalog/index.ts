export { listPackages, sellablePackage, presentPackage, type PackageView, type SellablePackage } from './listPackages.js';
export { pricePackage, promotionApplies, type PackagePrice } from './pricing.js';
export { syncPromotionStatuses } from './syncPromotionStatus.js';
export { createProduct, updateProduct, takeProductOffSale, deleteProducts, productSchema } from './products.js';
export { createPromotion, updatePromotion, endPromotion, deletePromotions, promotionSchema } from './promotions.js';
export { createPackage, updatePackage, takePackageOffSale, deletePackages, packageSchema } from './packages.js';
