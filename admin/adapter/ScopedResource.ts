import { BaseRecord, ForbiddenError, ValidationError, flat, type ActionContext, type BaseProperty, type Filter, type ParamsType } from 'adminjs';
import { Resource as SequelizeResource, convertFilter } from '@adminjs/sequelize';
import { Op, QueryTypes, Utils, literal, type Model, type ModelStatic, type WhereOptions } from 'sequelize';
import { isAppError } from '../../server/errors.js';
import { inLang, say, type Lang } from '../../server/i18n.js';
import { MALFORMED_TEXT, malformedTextAt } from '../../server/lib/input.js';
import { hiddenFields, ruleFor, scopeWhere, actorFromSession } from '../../server/policies/access.js';
import type { Actor } from '../../server/policies/actor.js';
import { servedLang } from '../language.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAGE = 500;
const NOTHING = literal('false') as unknown as WhereOptions;

type FilterElement = { path: string; property: BaseProperty | null; value: unknown };
type RawAttribute = { type: { key?: string }; primaryKey?: boolean; fieldName: string };

/**
 * A refusal as AdminJS shows it, in the reader's language: AppErrors carry both languages; a
 * database failure caused by what the user typed (bad date, out-of-range number, constraint) is a
 * message too, never a 500.
 */
export function toValidationError(err: unknown, lang: Lang = servedLang() ?? 'zh-CN'): unknown {
  if (err instanceof ValidationError || err instanceof ForbiddenError) return err;
  if (isAppError(err)) return new ValidationError({}, { message: err.messageIn(lang), type: err.reason });
  const e = err as { name?: string; parent?: { code?: string; detail?: string; constraint?: string } };
  const code = e.parent?.code ?? '';
  if (e.name?.startsWith('Sequelize') && /^(22|23)/.test(code)) {
    const message =
      code === '23505' ? say('与已有记录重复', 'This duplicates an existing record') :
      code === '23503' ? say('关联的记录不存在或仍被引用', 'A linked record does not exist or is still referenced') :
      code === '23502' ? say('缺少必填项', 'A required field is missing') :
      code === '23514' ? say(`取值不符合规则（${e.parent?.constraint ?? 'check'}）`, `A value breaks a rule (${e.parent?.constraint ?? 'check'})`) :
      say('输入格式不正确', 'The input is not in the right format');
    return new ValidationError({}, { message: inLang(message, lang), type: code });
  }
  if (e.name === 'SequelizeValidationError') return new ValidationError({}, { message: inLang(say('输入不完整或格式不正确', 'The input is incomplete or malformed'), lang), type: 'validation' });
  return err;
}

/**
 * Text that cannot be stored as sent (PostgreSQL text refuses NUL, which Sequelize would store
 * mangled; lone surrogates would become U+FFFD) is malformed input, refused before any write.
 */
function refuseMalformedText(params: Record<string, unknown>, context?: ActionContext): void {
  const field = malformedTextAt(params);
  if (field === null) return;
  const message = inLang(MALFORMED_TEXT(field), (context?.currentAdmin as { locale?: string } | undefined)?.locale === 'en' ? 'en' : 'zh-CN');
  throw new ValidationError({ [field]: { message } }, { message, type: 'invalid_text' });
}

/**
 * The only AdminJS adapter: the @adminjs/sequelize Resource with the row scope of the logged-in
 * admin ANDed into every read (find, count, findOne, findMany — hence list, search, show, edit,
 * delete, bulk actions, reference pickers and populated references), writes re-checked against
 * the scope, secrets stripped from every record, and filters that cannot widen the scope or
 * probe secrets (unknown paths dropped, secret paths refused, owner/code filters exact, bad
 * values a message rather than a 500). Without a logged-in admin in the context it refuses.
 */
export class ScopedResource extends SequelizeResource {
  private get model(): ModelStatic<Model> {
    return (this as unknown as { SequelizeModel: ModelStatic<Model> }).SequelizeModel;
  }

  static override isAdapterFor(raw: unknown): boolean {
    return SequelizeResource.isAdapterFor(raw);
  }

  private attributes(): Record<string, RawAttribute> {
    return (this.model as unknown as { rawAttributes: Record<string, RawAttribute> }).rawAttributes;
  }

  private pk(): string {
    return this.primaryKey() as string;
  }

  override properties(): BaseProperty[] {
    return super.properties().map((p) => this.fixType(p));
  }

  override property(path: string): BaseProperty | null {
    const p = super.property(path);
    return p ? this.fixType(p) : null;
  }

  // SMALLINT columns are numbers (the stock adapter treats them as strings and LIKEs them).
  private fixType(p: BaseProperty): BaseProperty {
    const key = this.attributes()[p.name()]?.type?.key;
    if (key === 'SMALLINT' && p.type() === 'string') Object.assign(p, { type: () => 'number' });
    return p;
  }

  private actor(context?: ActionContext): Actor {
    const actor = actorFromSession(context?.currentAdmin);
    if (!actor) throw new ForbiddenError('notLoggedIn');
    return actor;
  }

  private scoped(actor: Actor, where: WhereOptions | null): WhereOptions {
    const scope = scopeWhere(actor, this.id());
    const parts = [where, scope].filter((w): w is WhereOptions => !!w && !(typeof w === 'object' && !Array.isArray(w) && Reflect.ownKeys(w).length === 0));
    if (!parts.length) return {};
    return parts.length === 1 ? parts[0]! : { [Op.and]: parts };
  }

  private filterWhere(actor: Actor, filter: Filter | undefined): WhereOptions | null {
    if (!filter) return null;
    const hidden = new Set(hiddenFields(actor, this.id()));
    const exact = new Set(ruleFor(this.id()).exactFilters ?? []);
    const attrs = this.attributes();
    const conditions: WhereOptions[] = [];
    const rest: FilterElement[] = [];
    for (const f of Object.values((filter as unknown as { filters: Record<string, FilterElement> }).filters ?? {})) {
      const name = f.property?.name();
      if (!f.property || !name || !attrs[name]) continue;
      if (hidden.has(name)) throw new ForbiddenError('filterFieldRefused');
      const value = f.value;
      const typeKey = attrs[name].type?.key;
      const listed = this.listedValues(name);
      if (typeKey === 'DATE' || typeKey === 'DATEONLY') {
        const range = (value && typeof value === 'object' ? value : { from: value }) as { from?: unknown; to?: unknown };
        for (const bound of [range.from, range.to]) {
          if (bound !== undefined && bound !== '' && (typeof bound !== 'string' || Number.isNaN(Date.parse(bound)))) {
            throw new ValidationError({ [name]: { message: 'invalidDateFilter' } }, { message: 'invalidDateFilter', type: 'invalid_filter' });
          }
        }
        rest.push(f);
      } else if (typeKey === 'UUID') {
        conditions.push(typeof value === 'string' && UUID.test(value) ? { [name]: value } : NOTHING);
      } else if (exact.has(name) && typeof value === 'string') {
        conditions.push({ [name]: value.trim() });
      } else if (listed) {
        // A value picked from a list (status, kind, …): `=` one of those values, never a LIKE.
        conditions.push(typeof value === 'string' && listed.includes(value) ? { [name]: value } : NOTHING);
      } else if (f.property.type() === 'reference' || ['INTEGER', 'BIGINT', 'SMALLINT'].includes(typeKey ?? '')) {
        // Ids and owner columns: `=` on a whole number, never a LIKE (owner 1 must not match 10).
        if (typeof value !== 'string' || !/^\d{1,15}$/.test(value.trim())) conditions.push(NOTHING);
        else conditions.push({ [name]: Number(value) });
      } else {
        rest.push(f);
      }
    }
    if (rest.length) conditions.push(convertFilter(rest as never) as WhereOptions);
    if (!conditions.length) return null;
    return conditions.length === 1 ? conditions[0]! : { [Op.and]: conditions };
  }

  /** The values a property's form offers (the resource's `enums`, or a database ENUM); null when it is free text. */
  private listedValues(name: string): string[] | null {
    let decorated: Array<{ value: unknown }> | null | undefined;
    try {
      decorated = this.decorate().getPropertyByKey(name)?.availableValues();
    } catch {
      decorated = undefined; // not served by AdminJS (no decorator): the adapter's own values only
    }
    const values = decorated?.map((v) => String(v.value)) ?? this.property(name)?.availableValues() ?? null;
    return values?.length ? values : null;
  }

  private validId(id: unknown): boolean {
    if (id === null || id === undefined) return false;
    const attr = this.attributes()[this.pk()];
    const key = attr?.type?.key;
    const s = String(id);
    if (key === 'UUID') return UUID.test(s);
    if (key === 'INTEGER' || key === 'BIGINT' || key === 'SMALLINT') return /^\d{1,15}$/.test(s);
    return s.length > 0 && s.length <= 128;
  }

  private clean(actor: Actor | null, json: Record<string, unknown>): Record<string, unknown> {
    for (const f of hiddenFields(actor, this.id())) delete json[f];
    return json;
  }

  private record(actor: Actor, model: Model): BaseRecord {
    return new BaseRecord(this.clean(actor, model.toJSON() as Record<string, unknown>), this);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw toValidationError(err);
    }
  }

  override async find(filter: Filter, options: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } } = {}, context?: ActionContext): Promise<BaseRecord[]> {
    const actor = this.actor(context);
    const where = this.scoped(actor, this.filterWhere(actor, filter));
    const limit = Math.min(Math.max(Number(options.limit) || 20, 1), MAX_PAGE);
    const offset = Math.max(Number(options.offset) || 0, 0);
    const sortable = ruleFor(this.id()).large?.sortable;
    const wanted = options.sort?.sortBy;
    const sortBy =
      wanted && this.attributes()[wanted] && !hiddenFields(actor, this.id()).includes(wanted) && (!sortable || sortable.includes(wanted))
        ? wanted
        : this.pk();
    const direction = options.sort?.direction === 'desc' ? 'DESC' : 'ASC';
    const order: [string, string][] = sortBy === this.pk() ? [[sortBy, direction]] : [[sortBy, direction], [this.pk(), direction]];
    if (ruleFor(this.id()).large) {
      // Plain rows (the same attribute names and values toJSON would give): a page of a large table
      // is only shown, so building and cloning model instances is wasted work on the hottest list.
      const rows = await this.guard(() => this.model.findAll({ where, limit, offset, order, raw: true }));
      return rows.map((r) => new BaseRecord(this.clean(actor, r as unknown as Record<string, unknown>), this));
    }
    const rows = await this.guard(() => this.model.findAll({ where, limit, offset, order }));
    return rows.map((r) => this.record(actor, r));
  }

  override async count(filter: Filter, context?: ActionContext): Promise<number> {
    const actor = this.actor(context);
    const where = this.scoped(actor, this.filterWhere(actor, filter));
    const cap = ruleFor(this.id()).large?.countCap;
    if (!cap) return this.guard(() => this.model.count({ where }));
    // Millions of rows: count at most `cap` (the pager then offers that many) instead of a full scan.
    return this.guard(async () => {
      const generator = this.model.sequelize!.getQueryInterface().queryGenerator as unknown as {
        selectQuery(table: string, options: object, model: ModelStatic<Model>): string;
      };
      const mapped = Utils.mapOptionFieldNames({ attributes: [[literal('1'), 'one']], where, limit: cap } as never, this.model as never);
      const inner = generator.selectQuery(this.model.getTableName() as string, mapped, this.model);
      const [row] = await this.model.sequelize!.query<{ n: string }>(`SELECT count(*) AS n FROM (${inner.replace(/;\s*$/, '')}) capped`, { type: QueryTypes.SELECT });
      return Number(row?.n ?? 0);
    });
  }

  private async findScoped(actor: Actor, id: unknown): Promise<Model | null> {
    if (!this.validId(id)) return null;
    return this.model.findOne({ where: this.scoped(actor, { [this.pk()]: id } as WhereOptions) });
  }

  override async findOne(id: string, context?: ActionContext): Promise<BaseRecord | null> {
    const actor = this.actor(context);
    const row = await this.guard(() => this.findScoped(actor, id));
    return row ? this.record(actor, row) : null;
  }

  override async findMany(ids: Array<string | number>, context?: ActionContext): Promise<BaseRecord[]> {
    const actor = this.actor(context);
    const valid = (Array.isArray(ids) ? ids : []).filter((id) => this.validId(id)).slice(0, MAX_PAGE);
    if (!valid.length) return [];
    const rows = await this.guard(() =>
      this.model.findAll({ where: this.scoped(actor, { [this.pk()]: { [Op.in]: valid } } as WhereOptions) }),
    );
    return rows.map((r) => this.record(actor, r));
  }

  override async create(params: Record<string, unknown>, context?: ActionContext): Promise<ParamsType> {
    const actor = this.actor(context);
    for (const f of hiddenFields(actor, this.id())) delete params[f];
    refuseMalformedText(params, context);
    const created = (await this.guard(() => super.create(params))) as Record<string, unknown>;
    return this.clean(actor, created);
  }

  /**
   * The row scope is part of the UPDATE itself, so a row that left the admin's scope after it was
   * shown (e.g. an agent moved to another agent admin meanwhile) is not changed; and the row must
   * still be in scope after the change, or nothing is kept (one transaction).
   */
  override async update(id: string, params: Record<string, unknown>, context?: ActionContext): Promise<ParamsType> {
    const actor = this.actor(context);
    const refused = () => new ForbiddenError('recordNotVisible');
    if (!this.validId(id)) throw refused();
    for (const f of hiddenFields(actor, this.id())) delete params[f];
    delete params[this.pk()];
    refuseMalformedText(params, context);
    const values = flat.unflatten(this.parseParams(params)) as Record<string, unknown>;
    const where = this.scoped(actor, { [this.pk()]: id } as WhereOptions);
    const updated = await this.guard(() =>
      this.model.sequelize!.transaction(async (transaction) => {
        const [changed] = await this.model.update(values, { where, individualHooks: true, hooks: true, transaction });
        if (!changed) throw refused();
        const row = await this.model.findOne({ where, transaction });
        if (!row) throw refused();
        return row.toJSON() as Record<string, unknown>;
      }),
    );
    return this.clean(actor, updated);
  }

  override async delete(id: string, context?: ActionContext): Promise<void> {
    const actor = this.actor(context);
    const row = await this.findScoped(actor, id);
    if (!row) throw new ForbiddenError('recordNotVisible');
    // Destroyed as an instance (as the stock adapter does, so instance hooks run), without reading it again.
    await this.guard(() => row.destroy());
  }
}
