/** Paging state of a list page: which page is next and whether more exist. */
export interface Paging {
  page: number;
  total: number;
  loaded: number;
}

export const PAGE_SIZE = 10;

export function hasMore(p: Paging): boolean {
  return p.loaded < p.total;
}
