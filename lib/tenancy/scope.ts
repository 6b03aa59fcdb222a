import { Prisma } from '../db/generated/client';
import { assertTenantId } from './tenant-pool';

// Layer (b), the application layer: a Prisma query extension bound to one tenant that
//   * adds `tenantId` to the where of every read, update and delete of a tenant model, and to the
//     data of every create, createMany and upsert;
//   * scopes the two global models the tenant may see: Tenant (its own row) and User (members of
//     this tenant), and refuses to create or delete them through a tenant client;
//   * refuses any explicit other tenant anywhere in the arguments — a where, a data, a nested
//     connect — instead of quietly overriding it, so the bug is loud;
//   * refuses every other model (account tokens, throttling counters): not tenant data.
// It works without row-level security (tests run it alone as a BYPASSRLS role) and RLS works
// without it: two independent layers.

export class CrossTenantArgumentError extends Error {
  constructor(model: string, operation: string, detail: string) {
    super(`${model}.${operation}: ${detail}. The tenant comes from the context; do not pass one.`);
    this.name = 'CrossTenantArgumentError';
  }
}

const modelNames = Object.values(Prisma.ModelName) as string[];

/** Models with a tenantId column, read from the generated client (no hand-kept list). */
export const TENANT_MODELS: ReadonlySet<string> = new Set(
  modelNames.filter((model) => {
    const fields = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[`${model}ScalarFieldEnum`];
    return fields !== undefined && 'tenantId' in fields;
  }),
);

const WHERE_OPERATIONS = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany',
  'count', 'aggregate', 'groupBy', 'update', 'updateMany', 'updateManyAndReturn',
  'delete', 'deleteMany', 'upsert',
]);
const CREATE_OPERATIONS = new Set(['create', 'createMany', 'createManyAndReturn', 'upsert']);

type Args = Record<string, unknown>;
const isObject = (value: unknown): value is Args => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * Walks the arguments and throws on any `tenantId` that names another tenant, or filters by
 * anything but equality (an `in` or `not` on tenantId is never legitimate in tenant code).
 */
function assertOnlyTenant(value: unknown, tenantId: string, model: string, operation: string): void {
  if (Array.isArray(value)) {
    for (const item of value) assertOnlyTenant(item, tenantId, model, operation);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'tenantId') {
      if (typeof child === 'boolean' || child === 'asc' || child === 'desc' || (isObject(child) && 'sort' in child)) continue; // select / omit / orderBy
      if (typeof child === 'string') {
        if (child !== tenantId) throw new CrossTenantArgumentError(model, operation, `tenantId ${child} is not the tenant in context`);
        continue;
      }
      if (isObject(child) && Object.keys(child).length === 1 && child.equals === tenantId) continue;
      throw new CrossTenantArgumentError(model, operation, `tenantId may only be compared for equality with the tenant in context`);
    }
    assertOnlyTenant(child, tenantId, model, operation);
  }
}

function scopedWhere(model: string, where: unknown, tenantId: string): Args {
  const base = isObject(where) ? where : {};
  if (TENANT_MODELS.has(model)) return { ...base, tenantId };
  if (model === 'Tenant') {
    if (base.id !== undefined && base.id !== tenantId) return { ...base, AND: [...asArray(base.AND), { id: tenantId }] };
    return { ...base, id: tenantId };
  }
  if (model === 'User') return { ...base, AND: [...asArray(base.AND), { memberships: { some: { tenantId } } }] };
  return base;
}

const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function scopeArgs(model: string, operation: string, args: Args | undefined, tenantId: string): Args {
  const scoped: Args = { ...(args ?? {}) };
  const isGlobal = model === 'Tenant' || model === 'User';
  if (!TENANT_MODELS.has(model) && !isGlobal) {
    throw new CrossTenantArgumentError(model, operation, `${model} is not tenant data and is not available through a tenant client`);
  }
  assertOnlyTenant(scoped, tenantId, model, operation);
  if (isGlobal && (CREATE_OPERATIONS.has(operation) || operation === 'delete' || operation === 'deleteMany')) {
    throw new CrossTenantArgumentError(model, operation, `${model} rows are created and deleted by provisioning, not by a tenant client`);
  }
  if (WHERE_OPERATIONS.has(operation)) scoped.where = scopedWhere(model, scoped.where, tenantId);
  if (TENANT_MODELS.has(model)) {
    if (operation === 'create') scoped.data = { ...(scoped.data as Args), tenantId };
    if (operation === 'createMany' || operation === 'createManyAndReturn') {
      scoped.data = asArray(scoped.data).map((row) => ({ ...(row as Args), tenantId }));
    }
    if (operation === 'upsert') scoped.create = { ...(scoped.create as Args), tenantId };
  }
  return scoped;
}

/**
 * The layer-(b) extension. Compose it with any client. `tenant` is the tenant id, or a function
 * that reads it from the object the client belongs to (a leased slot: lib/tenancy/client.ts) —
 * called once per operation, never from ambient context.
 */
export function tenantScope(tenant: string | (() => string)) {
  const tenantOf = typeof tenant === 'string' ? (assertTenantId(tenant), () => tenant) : tenant;
  return Prisma.defineExtension({
    name: 'bulkhead/tenant-scope',
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          return query(scopeArgs(model, operation, args as Args, tenantOf()) as typeof args);
        },
      },
    },
  });
}
