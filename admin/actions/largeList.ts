import { Filter, flat, populateProperty, SortSetter, type ActionContext, type ActionRequest, type ActionResponse, type BaseRecord, type RecordJSON } from 'adminjs';

const PER_PAGE_LIMIT = 500;

/**
 * A populated reference as the list shows it: its title, linked when the viewer may open it. The
 * whole referenced record (every column, every action with its form) is what the show page needs,
 * not each row of a list.
 */
function asListReference(ref: BaseRecord, currentAdmin: ActionContext['currentAdmin']): RecordJSON {
  const decorated = ref.resource.decorate();
  const show = decorated.actions.show;
  return {
    params: {},
    populated: {},
    baseError: null,
    errors: {},
    id: ref.id(),
    title: decorated.titleOf(ref),
    recordActions: show && show.isVisible(currentAdmin, ref) && show.isAccessible(currentAdmin, ref) ? [show.toJSON(currentAdmin)] : [],
    bulkActions: [],
  };
}

/**
 * AdminJS's built-in `list` (same request format, same adapter calls through the scoped adapter:
 * find, findMany of references, count), made for tables with millions of rows: the count runs
 * alongside the page and its references instead of after them, only references shown in the list
 * are populated, and a populated reference carries what the list shows (title and show link).
 */
export async function concurrentList(request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> {
  const { sortBy, direction, filters = {}, page: rawPage, perPage: rawPerPage } = flat.unflatten(request.query ?? {}) as {
    sortBy?: string;
    direction?: 'asc' | 'desc';
    filters?: Record<string, unknown>;
    page?: string;
    perPage?: string;
  };
  const { resource, _admin, currentAdmin } = context;
  const perPage = rawPerPage ? Math.min(Number(rawPerPage) || 0, PER_PAGE_LIMIT) : (_admin.options.settings?.defaultPerPage ?? 10);
  const page = Number(rawPage) || 1;
  const firstProperty = resource.decorate().getListProperties().find((p) => p.isSortable());
  const sort = firstProperty ? SortSetter({ sortBy, direction }, firstProperty.name(), resource.decorate().options) : undefined;
  const filter = await new Filter(filters, resource).populate(context);
  const references = resource.decorate().getListProperties().filter((p) => p.reference());
  const populate = async (found: BaseRecord[]) => {
    await Promise.all(references.map((p) => populateProperty(found, p, context)));
    return found;
  };
  const [records, total] = await Promise.all([
    resource.find(filter, { limit: perPage, offset: (page - 1) * perPage, sort }, context).then(populate),
    resource.count(filter, context),
  ]);
  context.records = records;
  const shown = new Map<BaseRecord, RecordJSON>();
  return {
    meta: { total, perPage, page, direction: sort?.direction, sortBy: sort?.sortBy },
    records: records.map((r) => {
      // BaseRecord#toJSON keeps populated entries that are already JSON as they are.
      for (const [path, ref] of Object.entries(r.populated)) {
        if (!ref) continue;
        let json = shown.get(ref);
        if (!json) shown.set(ref, (json = asListReference(ref, currentAdmin)));
        r.populated[path] = json as unknown as BaseRecord;
      }
      return r.toJSON(currentAdmin);
    }),
  };
}
