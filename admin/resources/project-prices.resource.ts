import { ProjectPrice } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `project_prices`. */
export const projectPricesResource = () =>
  defineResource(ProjectPrice, {
    navigation: 'projects',
    list: ['id', 'projectId', 'label', 'durationDays', 'unitPrice', 'sort'],
    edit: ['projectId', 'label', 'durationDays', 'unitPrice', 'sort'],
    filter: ['projectId', 'label'],
    money: ['unitPrice'],
    actions: {},
  });
