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

/** The list once `page` has loaded (page 1 replaces, later pages append) and the state to show. */
export function pageLoaded<T>(page: number, previous: T[], total: number, rows: T[]) {
  const items = page === 1 ? rows : previous.concat(rows);
  const paging: Paging = { page, total, loaded: items.length };
  return { items, paging, more: hasMore(paging), state: items.length ? ('ready' as const) : ('empty' as const) };
}
