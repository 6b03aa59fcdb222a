import { randomUUID } from 'node:crypto';

import {
  createTenantClientFactory,
  tenantDbFrom,
  type FactoryDefinition,
  type PrismaClientClass,
  type PrismaClientLike,
  type Route,
  type TenantClient,
  type TenantClientFactory,
  type TenantClientFactoryOptions,
  type TenantPolicy,
  type TenantTransaction,
} from './client';
import { TenantContextMissingError, tenantStorage, WORKLOADS, type TenantContext } from './context';
import type { StatementTimeoutError, TenantBusyError, TenantMovingError } from './errors';
import { assertPlacement, schemaRewriter } from './placement';
import { createScope, tenantModelsOf, type GlobalScope, type PrismaNamespace } from './scope';
import { assertTenantId } from './tenant-pool';

// createTenancy(): the one place an app hands the kit what only the app knows — its generated
// PrismaClient class and Prisma namespace (the model list), its plans and their policy, its roles
// and actor kinds — and gets back the functions its code calls: runInTenant() at entry points,
// tenantDb() everywhere below them.

export interface TenancyDefinition<
  C extends PrismaClientLike,
  Plan extends string,
  Role extends string,
  Actor extends string,
  Field extends string,
> {
  /** The app's generated client class (`import { PrismaClient } from './generated/client'`). */
  PrismaClient: PrismaClientClass<C>;
  /** The generated `Prisma` namespace: its ModelName and `<Model>ScalarFieldEnum` give the models. */
  Prisma: PrismaNamespace;
  /** The Prisma field of every tenant model that holds the tenant id (default `tenantId`). */
  tenantField?: Field;
  /**
   * Models without the tenant field that a tenant client may still read and update, each narrowed
   * to the tenant (ownRow(), related()). Every other model without the field is refused.
   */
  globalModels?: Readonly<Record<string, GlobalScope>>;
  /** Extra PrismaClient options for the tenant clients (e.g. `omit` of columns the runtime role cannot read). */
  clientOptions?: Record<string, unknown>;
  /** The app's plans; the first is the default for a context that names none. */
  plans: readonly [Plan, ...Plan[]];
  /** The roles a context may carry (checked by runInTenant). */
  roles: readonly Role[];
  /** The kinds of actor a context may carry (checked by runInTenant). */
  actors: readonly Actor[];
  /** Pool share and statement timeouts by plan. */
  policy: TenantPolicy<Plan>;
  /** Maps the kit's refusals (TenantBusyError, StatementTimeoutError, TenantMovingError) to the app's own errors. */
  errors?: {
    busy?: (error: TenantBusyError) => Error;
    statementTimeout?: (error: StatementTimeoutError) => Error;
    moving?: (error: TenantMovingError) => Error;
  };
  /**
   * Builds the options of the process-wide tenant clients on first use of tenantDb(): the pool of
   * the runtime role, slots, queue wait, policy overrides. Without it, tenantDb() is unavailable
   * and the app builds factories itself.
   */
  connect?: () => TenantClientFactoryOptions<Plan>;
  /** Names the process-wide clients (one per name, shared by every bundle of the module). */
  name?: string;
  /**
   * The tenant data that lives in a tenant's placement (schema or database tier): model name →
   * table name. Every other model is the control plane's and stays in the app's database, reached
   * with controlPlaneDb(). Absent, the app has one tier and every model is tenantDb()'s.
   */
  placed?: {
    models: Readonly<Record<string, string>>;
    /** Placed models the control plane writes too, with its own changes (an audit trail). */
    controlPlaneWrites?: readonly string[];
  };
}

export type ContextInput<Plan extends string, Role extends string, Actor extends string> = Omit<
  TenantContext<Plan, Role, Actor>,
  'requestId'
> & { requestId?: string };

export function createTenancy<
  C extends PrismaClientLike,
  const Plan extends string,
  const Role extends string,
  const Actor extends string,
  const Field extends string = 'tenantId',
>(definition: TenancyDefinition<C, Plan, Role, Actor, Field>) {
  const tenantField = definition.tenantField ?? 'tenantId';
  const tenantModels = tenantModelsOf(definition.Prisma, tenantField);
  const scope = createScope({ tenantModels, tenantField, globalModels: definition.globalModels });
  const modelKeys = new Set(Object.values(definition.Prisma.ModelName).map((name) => name.charAt(0).toLowerCase() + name.slice(1)));
  if (tenantModels.size === 0) {
    throw new Error(
      `createTenancy(): no model of the generated client has a "${tenantField}" field. Check tenantField and the Prisma namespace passed.`,
    );
  }
  for (const plan of definition.plans) {
    if (definition.policy.shares[plan] === undefined) throw new Error(`createTenancy(): policy.shares has no entry for plan "${plan}".`);
    for (const workload of WORKLOADS) {
      if (definition.policy.statementTimeoutMs[workload][plan] === undefined) {
        throw new Error(`createTenancy(): policy.statementTimeoutMs.${workload} has no entry for plan "${plan}".`);
      }
    }
  }
  const delegateOf = (model: string) => {
    const key = model.charAt(0).toLowerCase() + model.slice(1);
    if (!modelKeys.has(key)) throw new Error(`createTenancy(): placed model "${model}" is not a model of the generated client.`);
    return key;
  };
  const placed = definition.placed;
  const factoryDefinition: FactoryDefinition<Plan> = {
    recipe: {
      PrismaClient: definition.PrismaClient as unknown as PrismaClientClass<PrismaClientLike>,
      clientOptions: definition.clientOptions,
      scope,
      rewrite: placed ? schemaRewriter(Object.values(placed.models)) : undefined,
    },
    modelKeys,
    placedModels: placed ? new Set(Object.keys(placed.models).map(delegateOf)) : undefined,
    controlPlaneWrites: placed ? new Set((placed.controlPlaneWrites ?? []).map(delegateOf)) : undefined,
    plans: definition.plans,
    defaultPlan: definition.plans[0],
    policy: definition.policy,
    errors: definition.errors,
  };

  type Factory = TenantClientFactory<C, Plan, Field>;
  const createFactory = (options: TenantClientFactoryOptions<Plan>): Factory =>
    createTenantClientFactory<C, Plan, Field>(factoryDefinition, options);

  // The process-wide clients, on globalThis: Next.js bundles a module once per route, and every
  // route must share one set of slots (one bulkhead) over one pool.
  const key = Symbol.for(`@bulkhead/tenancy.clients:${definition.name ?? 'default'}`);
  const global = globalThis as unknown as Record<symbol, Factory | undefined>;

  function processFactory(): Factory {
    const existing = global[key];
    if (existing) return existing;
    if (!definition.connect) throw new Error('tenantDb() needs createTenancy({ connect }) to know the pool; or use tenantDbFrom(factory).');
    const factory = createFactory(definition.connect());
    global[key] = factory;
    return factory;
  }

  function check<T extends string>(value: T | undefined, allowed: readonly string[], what: string): void {
    if (value !== undefined && !allowed.includes(value))
      throw new Error(`runInTenant(): unknown ${what} "${value}": expected one of ${allowed.join(', ')}.`);
  }

  return {
    tenantModels,
    tenantField,
    plans: definition.plans,
    /** Rewrites one operation's arguments for `tenantId` (layer b alone, for tests and tools). */
    scopeArgs: scope.scopeArgs,
    /** The layer-(b) extension on its own: `client.$extends(tenantScope(tenantId))`. */
    tenantScope: scope.tenantScope,
    /** A set of tenant clients over `options.pool` (tests, benchmarks, a second pool). */
    createTenantClientFactory: createFactory,
    /** The tenant client of the current context, from a factory of your own. */
    tenantDbFrom: (factory: Factory, route: Route = 'tenant'): TenantClient<C, Field> | TenantTransaction<C, Field> =>
      tenantDbFrom(factory, route),

    /** The tenant's data, in its placement, as the tenant in context sees it. Throws outside a tenant context. */
    tenantDb(): TenantClient<C, Field> | TenantTransaction<C, Field> {
      return tenantDbFrom(processFactory());
    },

    /**
     * The tenant's rows of the control plane (members, invitations, API keys, its tenant row), as
     * the tenant in context sees them: in the app's database whatever the tenant's tier.
     */
    controlPlaneDb(): TenantClient<C, Field> | TenantTransaction<C, Field> {
      return tenantDbFrom(processFactory(), 'control');
    },

    /** The process-wide factory behind tenantDb() (built on first use). */
    clients: processFactory,

    /** Closes the process-wide clients (before the pool ends); the next tenantDb() builds new ones. */
    closeClients(): void {
      const factory = global[key];
      global[key] = undefined;
      factory?.close();
    },

    /**
     * Runs `work` as `context`. Call it once per entry point, with a context built from the
     * authenticated session, never from request input.
     */
    async runInTenant<T>(context: ContextInput<Plan, Role, Actor>, work: () => Promise<T>): Promise<T> {
      assertTenantId(context.tenantId);
      check(context.plan, definition.plans, 'plan');
      check(context.role, definition.roles, 'role');
      check(context.actorType, definition.actors, 'actor type');
      check(context.workload, WORKLOADS, 'workload');
      if (context.placement) assertPlacement(context.placement);
      const outer = tenantStorage.getStore();
      if (outer && outer.tenantId !== context.tenantId) {
        throw new Error('runInTenant(): a tenant context cannot be nested inside another tenant’s context.');
      }
      // Nested for the same tenant inside an open transaction: keep joining it (a second slot would
      // be waited for while the first is held — with a share of one, a self-deadlock).
      return tenantStorage.run(
        { ...context, transaction: outer?.transaction, requestId: context.requestId ?? outer?.requestId ?? randomUUID() },
        work,
      );
    },

    /** The current tenant context; throws when there is none. */
    currentTenant(): TenantContext<Plan, Role, Actor> {
      const store = tenantStorage.getStore();
      if (!store) throw new TenantContextMissingError();
      return store as TenantContext<Plan, Role, Actor>;
    },

    /** The current tenant context, or undefined outside one. */
    maybeCurrentTenant(): TenantContext<Plan, Role, Actor> | undefined {
      return tenantStorage.getStore() as TenantContext<Plan, Role, Actor> | undefined;
    },

    /** The interactive transaction open in the current context, if any. */
    currentTransaction(): TenantTransaction<C, Field> | undefined {
      return tenantStorage.getStore()?.transaction as TenantTransaction<C, Field> | undefined;
    },
  };
}

export type Tenancy<
  C extends PrismaClientLike = PrismaClientLike,
  Plan extends string = string,
  Role extends string = string,
  Actor extends string = string,
  Field extends string = 'tenantId',
> = ReturnType<typeof createTenancy<C, Plan, Role, Actor, Field>>;
