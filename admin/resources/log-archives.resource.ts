import { LogArchive } from '../../server/models/index.js';
import { defineResource } from './define.js';

/** `log_archives`: monthly files of logs past their retention (`seahorse logs:archive-read FILE` prints one). */
export const logArchivesResource = () =>
  defineResource(LogArchive, {
    navigation: 'logs',
    list: ['id', 'tableName', 'month', 'rowCount', 'fileName', 'sizeBytes', 'createdAt'],
    show: ['id', 'tableName', 'month', 'rowCount', 'firstId', 'lastId', 'fileName', 'sizeBytes', 'sha256', 'createdAt'],
    filter: ['tableName', 'month'],
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {},
  });
