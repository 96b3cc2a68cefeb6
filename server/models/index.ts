import type { Sequelize } from 'sequelize';
import * as models from './all.js';

export * from './all.js';

/** Every model (the exports of ./all.ts, where a model is listed once). */
export const allModels = Object.values(models);

export function initModels(sequelize: Sequelize): void {
  for (const model of allModels) model.initModel(sequelize);
}
