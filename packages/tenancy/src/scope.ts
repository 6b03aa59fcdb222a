import { assertTenantId } from './tenant-pool';

// Layer (b), the application layer: a Prisma query extension bound to one tenant that
//   * adds the tenant field to the where of every read, update and delete of a tenant model, and
//     to the data of every create, createMany and upsert;
//   * scopes the global models the tenant may see (its own tenant row, the users who are its
//     members — whatever the app declares in `globalModels`), and refuses to create or delete
//     them through a tenant client;
//   * refuses any explicit other tenant anywhere in the arguments — a where, a data, a nested
//     connect — instead of quietly overriding it, so the bug is loud;
//   * refuses every other model (account tokens, throttling counters): not tenant data.
// It works without row-level security and RLS works without it: two independent layers.

export class CrossTenantArgumentError extends Error {
  constructor(model: string, operation: string, detail: string) {
    super(`${model}.${operation}: ${detail}. The tenant comes from the context; do not pass one.`);
    this.name = 'CrossTenantArgumentError';
  }
}

export type Args = Record<string, unknown>;

/**
 * How a global model (no tenant field, but visible to a tenant) is narrowed: given the caller's
 * where and the tenant in context, return the where that only matches this tenant's rows.
 */
export type GlobalScope = (where: Args, tenantId: string) => Args;

export interface ScopeModels {
  /** Models with a tenant field (read from the generated client by tenantModelsOf()). */
  tenantModels: ReadonlySet<string>;
  /** The Prisma field that holds the tenant id (default `tenantId`). */
  tenantField?: string;
  /** Global models a tenant client may read and update, each with the narrowing it needs. */
  globalModels?: Readonly<Record<string, GlobalScope>>;
}

/** What the generated client's `Prisma` namespace offers that the kit reads: the model list and field enums. */
export interface PrismaNamespace {
  ModelName: Readonly<Record<string, string>>;
}

/** Models whose `<Model>ScalarFieldEnum` has `field`: the tenant models, from the generated client. */
export function tenantModelsOf(Prisma: PrismaNamespace, field = 'tenantId'): ReadonlySet<string> {
  const names = Object.values(Prisma.ModelName);
  return new Set(
    names.filter((model) => {
      const fields = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[`${model}ScalarFieldEnum`];
      return fields !== undefined && field in fields;
    }),
  );
}

/** A global model that IS the tenant: the tenant sees exactly its own row, `{ [key]: tenantId }`. */
export function ownRow(key = 'id'): GlobalScope {
  return (where, tenantId) =>
    where[key] !== undefined && where[key] !== tenantId
      ? { ...where, AND: [...asArray(where.AND), { [key]: tenantId }] }
      : { ...where, [key]: tenantId };
}

/** A global model seen through a relation: `related((t) => ({ memberships: { some: { tenantId: t } } }))`. */
export function related(filter: (tenantId: string) => Args): GlobalScope {
  return (where, tenantId) => ({ ...where, AND: [...asArray(where.AND), filter(tenantId)] });
}

const WHERE_OPERATIONS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
  'upsert',
]);
const CREATE_OPERATIONS = new Set(['create', 'createMany', 'createManyAndReturn', 'upsert']);

const isObject = (value: unknown): value is Args =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The tenant scope of one model list: argument rewriting and the Prisma extension that applies it. */
export function createScope(models: ScopeModels) {
  const field = models.tenantField ?? 'tenantId';
  const globals = models.globalModels ?? {};
  const tenantModels = models.tenantModels;

  /**
   * Walks the arguments and throws on any tenant field that names another tenant, or filters by
   * anything but equality (an `in` or `not` on it is never legitimate in tenant code).
   */
  function assertOnlyTenant(value: unknown, tenantId: string, model: string, operation: string): void {
    if (Array.isArray(value)) {
      for (const item of value) assertOnlyTenant(item, tenantId, model, operation);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === field) {
        if (typeof child === 'boolean' || child === 'asc' || child === 'desc' || (isObject(child) && 'sort' in child)) continue; // select / omit / orderBy
        if (typeof child === 'string') {
          if (child !== tenantId) throw new CrossTenantArgumentError(model, operation, `${field} ${child} is not the tenant in context`);
          continue;
        }
        if (isObject(child) && Object.keys(child).length === 1 && child.equals === tenantId) continue;
        throw new CrossTenantArgumentError(model, operation, `${field} may only be compared for equality with the tenant in context`);
      }
      assertOnlyTenant(child, tenantId, model, operation);
    }
  }

  function scopedWhere(model: string, where: unknown, tenantId: string): Args {
    const base = isObject(where) ? where : {};
    if (tenantModels.has(model)) return { ...base, [field]: tenantId };
    const global = globals[model];
    return global ? global(base, tenantId) : base;
  }

  function scopeArgs(model: string, operation: string, args: Args | undefined, tenantId: string): Args {
    const scoped: Args = { ...(args ?? {}) };
    const isGlobal = Object.hasOwn(globals, model);
    if (!tenantModels.has(model) && !isGlobal) {
      throw new CrossTenantArgumentError(model, operation, `${model} is not tenant data and is not available through a tenant client`);
    }
    assertOnlyTenant(scoped, tenantId, model, operation);
    if (isGlobal && (CREATE_OPERATIONS.has(operation) || operation === 'delete' || operation === 'deleteMany')) {
      throw new CrossTenantArgumentError(model, operation, `${model} rows are created and deleted by provisioning, not by a tenant client`);
    }
    if (WHERE_OPERATIONS.has(operation)) scoped.where = scopedWhere(model, scoped.where, tenantId);
    if (tenantModels.has(model)) {
      if (operation === 'create') scoped.data = { ...(scoped.data as Args), [field]: tenantId };
      if (operation === 'createMany' || operation === 'createManyAndReturn') {
        scoped.data = asArray(scoped.data).map((row) => ({ ...(row as Args), [field]: tenantId }));
      }
      if (operation === 'upsert') scoped.create = { ...(scoped.create as Args), [field]: tenantId };
    }
    return scoped;
  }

  /**
   * The layer-(b) extension, for `client.$extends(tenantScope(…))`: Prisma's functional form,
   * typed to return the client it extends. `tenant` is the tenant id, or a function that reads it
   * from the object the client belongs to (a leased slot: client.ts) — called once per operation,
   * never from ambient context.
   */
  function tenantScope(tenant: string | (() => string)) {
    const tenantOf = typeof tenant === 'string' ? (assertTenantId(tenant), () => tenant) : tenant;
    const extension = {
      name: '@bulkhead/tenancy/scope',
      query: {
        $allModels: {
          $allOperations({
            model,
            operation,
            args,
            query,
          }: {
            model: string;
            operation: string;
            args: unknown;
            query: (args: unknown) => unknown;
          }) {
            return query(scopeArgs(model, operation, args as Args, tenantOf()));
          },
        },
      },
    };
    return <T>(client: T): T => (client as unknown as { $extends(extension: unknown): T }).$extends(extension);
  }

  return { tenantModels, tenantField: field, scopeArgs, tenantScope };
}

export type Scope = ReturnType<typeof createScope>;
