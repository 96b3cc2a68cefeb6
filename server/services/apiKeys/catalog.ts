import { ApiCatalogEntry } from '../../models/index.js';
import { publishInvalidation } from './invalidation.js';

/** The API catalog: what API services may charge for, and how many points a call costs. */
export interface ApiView {
  id: number;
  name: string;
  path: string;
  pointsPerCall: number;
  status: 'active' | 'disabled';
  description: string | null;
}

export function presentApi(a: ApiCatalogEntry): ApiView {
  return {
    id: a.id,
    name: a.name,
    path: a.path,
    pointsPerCall: a.pointsPerCall,
    status: a.status === 1 ? 'active' : 'disabled',
    description: a.description,
  };
}

/** What a mini-program user may pick as a key's scope. */
export async function listActiveApis(): Promise<ApiView[]> {
  const rows = await ApiCatalogEntry.findAll({ where: { status: 1 }, order: [['name', 'ASC']] });
  return rows.map(presentApi);
}

/** Tells every process that the catalog changed (called by the AdminJS hook after a catalog row is edited). */
export function apiCatalogChanged(): Promise<void> {
  return publishInvalidation({ catalog: true });
}
