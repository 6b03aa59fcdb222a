import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';

import { TenantContextMissingError, tenantStorage, type ContextStore, type Workload } from './context';
import { StatementTimeoutError, TenantBusyError, TenantMovingError } from './errors';
import { FairShare } from './fair-share';
import { TENANT_MOVING_SQLSTATE } from './move';
import { assertPlacement, placementLabel, PlacementPools, SHARED_PLACEMENT, type DedicatedDatabases, type Placement } from './placement';
import type { Scope } from './scope';
import {
  assertTenantId,
  ScopedPool,
  type Binding,
  type Checkout,
  type ConnectionSource,
  type StatementRewriter,
  type TenantDbMode,
} from './tenant-pool';

// The tenant client: both layers composed, on a small fixed set of PrismaClients shared by every
// tenant.
//
//   slot = new PrismaClient({ adapter: PrismaPg(ScopedPool(slot)) })   ← layer (a): every statement
//            .$extends(tenantScope(() => slot.tenantId()))               ← layer (b): every where/data
//
// A slot is LEASED for one operation, or for one interactive transaction, to exactly one tenant.
// While leased it belongs to that tenant alone: its layer (a) binding and its layer (b) tenant are
// read from the slot object (never from AsyncLocalStorage), and Prisma's request batcher — which
// merges concurrent findUnique calls made on one client — only ever sees that tenant's calls,
// because nothing else runs on the slot until the lease ends. That is the binding-by-object-
// identity of the earlier one-client-per-tenant design, without its cost: memory and warm-up are
// those of the slots (pool size − reserved connections PrismaClients, each compiling its query
// plans once), whether 10 or 10,000 tenants come by.
//
// The slots are also the bulkhead (fair-share.ts): a lease holds at most one connection of the
// app's pool, a tenant holds at most its plan's share of slots, waiting work queues per tenant and
// is served round-robin, and the connections the slots can never take stay free for the lookups
// that belong to no tenant (membership, API keys, a rate limiter, a health check).
//
// Nothing here knows the app's schema: the PrismaClient class, the model list and the plans come
// in through createTenancy() (tenancy.ts).
//
// Domain code sees none of this: tenantDb() returns a handle whose model calls, raw queries and
// transactions are lazy like Prisma's own promises; awaiting one leases a slot, runs it, returns
// the slot.

export interface TenantPolicy<Plan extends string = string> {
  /** Slots one tenant may hold at once, by plan. */
  shares: Readonly<Record<Plan, number>>;
  /** statement_timeout in ms, by workload and plan (0: none). */
  statementTimeoutMs: Readonly<Record<Workload, Readonly<Record<Plan, number>>>>;
}

/** A policy override: any plan's share or timeout, the rest from the tenancy's policy. */
export interface TenantPolicyOverride<Plan extends string = string> {
  shares?: Partial<Record<Plan, number>>;
  statementTimeoutMs?: Partial<{ [W in Workload]: Partial<Record<Plan, number>> }>;
}

/** The connections of the pool that tenant work can never take. */
export const DEFAULT_RESERVED_CONNECTIONS = 2;

/** Slots for control-plane reads beside a tenant-data transaction (see createCore). */
const SIDE_SLOTS = 2;

// ─── slots and leases ────────────────────────────────────────────────────────────────────────────

interface LeaseTerms extends Binding {
  plan: string;
  workload: Workload;
  /** Where the statements go (the placement's database; its schema is in the binding). */
  placement: Placement;
}

class Lease {
  /** The one connection of this lease: the slot's own, or checked out on its first statement. */
  private connection?: Promise<pg.PoolClient>;
  private broken?: Error;
  /** Statements of one lease run one at a time on its one connection. */
  private tail: Promise<void> = Promise.resolve();
  ended = false;

  constructor(
    readonly terms: LeaseTerms,
    private readonly slot: Slot,
  ) {}

  async checkout(): Promise<Checkout> {
    if (this.ended) throw new Error('A tenant client lease was used after it ended.');
    let unlock!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (unlock = resolve));
    await previous;
    try {
      if (this.broken) throw new Error('The connection of this operation broke; the operation cannot continue.');
      this.connection ??= this.slot.connection(this.terms.placement);
      const client = await this.connection;
      let done = false;
      return {
        client,
        done: (broken?: Error) => {
          if (done) return;
          done = true;
          if (broken) this.broken ??= broken;
          unlock();
        },
      };
    } catch (error) {
      this.connection = undefined;
      unlock();
      throw error;
    }
  }

  /** Ends the lease: waits for its last statement, gives the connection back to the slot. */
  async end(): Promise<void> {
    this.ended = true;
    await this.tail;
    const connection = await this.connection?.catch(() => undefined);
    if (connection) this.slot.keep(connection, this.terms.placement, this.broken);
  }
}

/** How long a slot keeps an idle connection before it goes back to the pool. */
const IDLE_CONNECTION_MS = 1_000;

class Slot implements ConnectionSource {
  lease?: Lease;
  private built?: SlotClient;
  /**
   * The connection the slot keeps between leases: no pool checkout per operation. It carries no
   * tenant (every setting is transaction-local) and goes back to the pool after a second unused.
   */
  private kept?: pg.PoolClient;
  /** The database the kept connection belongs to (placementLabel; schemas share the app's). */
  private keptFrom = '';
  private keptSince = 0;
  /** Set when the factory closes: connections go straight back to the pool. */
  closed = false;
  private readonly onKeptError = (error: Error) => this.drop(error);

  constructor(
    private readonly pools: PlacementPools,
    private readonly build: (slot: Slot) => SlotClient,
    readonly index: number,
  ) {}

  /**
   * The connection for a new lease in `placement`: the kept one if it belongs to that database,
   * or one from that database's pool (the kept one, from another database, goes back first).
   */
  connection(placement: Placement): Promise<pg.PoolClient> {
    const kept = this.kept;
    if (kept && this.keptFrom === databaseOf(placement)) {
      this.kept = undefined;
      kept.off('error', this.onKeptError);
      return Promise.resolve(kept);
    }
    this.drop();
    return this.pools.connect(placement);
  }

  /** Takes the connection back at the end of a lease; a broken one is destroyed instead. */
  keep(client: pg.PoolClient, placement: Placement, broken?: Error): void {
    if (broken || this.closed) return client.release(broken);
    // A server that closes an idle connection emits 'error' on it; unheard, that ends the process.
    client.on('error', this.onKeptError);
    this.kept = client;
    this.keptFrom = databaseOf(placement);
    this.keptSince = Date.now();
  }

  /** Returns a connection unused for longer than `idleMs` to the pool. */
  releaseIdle(now: number, idleMs = IDLE_CONNECTION_MS): void {
    if (this.kept && !this.lease && now - this.keptSince >= idleMs) this.drop();
  }

  /** Closes the slot: its kept connection goes back to the pool now, later ones at once. */
  close(): void {
    this.closed = true;
    this.drop();
  }

  private drop(error?: Error): void {
    const kept = this.kept;
    if (!kept) return;
    this.kept = undefined;
    kept.off('error', this.onKeptError);
    kept.release(error);
  }

  /** Built on first use: a process that serves three tenants at once builds three. */
  get client(): SlotClient {
    return (this.built ??= this.build(this));
  }

  private current(): Lease {
    if (!this.lease) throw new Error('A tenant client slot was used outside a lease.');
    return this.lease;
  }

  binding(): Binding {
    return this.current().terms;
  }

  placement(): Placement {
    return this.current().terms.placement;
  }

  tenantId(): string {
    return this.current().terms.tenantId;
  }

  checkout(): Promise<Checkout> {
    return this.current().checkout();
  }
}

/** What the kit needs of the app's generated PrismaClient class. */
export interface PrismaClientLike {
  $extends(extension: never): unknown;
  $transaction(...args: never[]): unknown;
}

/** The app's generated PrismaClient class: `new PrismaClient({ adapter, ...clientOptions })`. */
export type PrismaClientClass<C extends PrismaClientLike> = new (options: never) => C;

/** The tenant's composite key helper: `where: db.$key(orderId)` is `{ tenantId_id: { tenantId, id } }`. */
export interface KeyHelper<Field extends string = 'tenantId'> {
  $key(id: string): { [K in `${Field}_id`]: { [F in Field]: string } & { id: string } };
}

/** Methods a tenant client does not have: raw SQL by string concatenation, and lifecycle. */
type Withheld = '$queryRawUnsafe' | '$executeRawUnsafe' | '$connect' | '$disconnect' | '$on' | '$extends' | '$use';
const WITHHELD = new Set<PropertyKey>(['$queryRawUnsafe', '$executeRawUnsafe', '$connect', '$disconnect', '$on', '$extends', '$use']);
const withheld = (property: PropertyKey) =>
  new Error(`${String(property)} is not available on a tenant client: use the tagged-template $queryRaw / $executeRaw.`);

/** The transaction client the app's PrismaClient hands to `$transaction(async (tx) => …)`. */
type TransactionOf<C> = C extends { $transaction(fn: (tx: infer T) => Promise<unknown>, ...rest: infer _R): unknown } ? T : never;
type TransactionOptionsOf<C> = C extends { $transaction(fn: never, options?: infer O): unknown } ? O : never;

/** `$transaction` of a tenant client (and of its transactions: nested work joins the open one). */
export interface TenantTransactionMethods<C, Field extends string> {
  $transaction<P extends readonly PromiseLike<unknown>[]>(
    operations: readonly [...P],
    options?: TransactionOptionsOf<C>,
  ): Promise<{ -readonly [K in keyof P]: Awaited<P[K]> }>;
  $transaction<R>(work: (tx: TenantTransaction<C, Field>) => Promise<R>, options?: TransactionOptionsOf<C>): Promise<R>;
}

/** What a service receives inside an interactive transaction. */
export type TenantTransaction<C = PrismaClientLike, Field extends string = 'tenantId'> = Omit<TransactionOf<C>, Withheld | '$transaction'> &
  KeyHelper<Field> &
  TenantTransactionMethods<C, Field>;

/** The database as the tenant in context sees it: the app's client, scoped, without the unsafe methods. */
export type TenantClient<C = PrismaClientLike, Field extends string = 'tenantId'> = Omit<C, Withheld | '$transaction'> &
  KeyHelper<Field> &
  TenantTransactionMethods<C, Field>;

/** A slot's PrismaClient (typed loosely inside the kit: it is the app's client, extended). */
type SlotClient = {
  $transaction(work: unknown, options?: unknown): Promise<unknown>;
} & Record<string, unknown>;

/** How a slot's client is built: the app's class, over the slot's scoped pool, with both extensions. */
export interface SlotClientRecipe {
  PrismaClient: PrismaClientClass<PrismaClientLike>;
  /** Extra PrismaClient options (an `omit` of columns the runtime role may not read, a log level). */
  clientOptions?: Record<string, unknown>;
  scope: Scope;
  mode: TenantDbMode;
  /** Rewrites the placed tables' qualified names for a schema tenant. */
  rewrite?: StatementRewriter;
}

function slotClientBuilder(recipe: SlotClientRecipe): (slot: Slot) => SlotClient {
  const field = recipe.scope.tenantField;
  return (slot) => {
    // The scoped pool narrows pg.Pool's query() overloads to the one Prisma's adapter uses.
    const scopedPool = new ScopedPool(slot, recipe.mode, recipe.rewrite) as unknown as pg.Pool;
    const base = new recipe.PrismaClient({ ...recipe.clientOptions, adapter: new PrismaPg(scopedPool) } as never) as unknown as {
      $extends(extension: unknown): typeof base;
    };
    return base.$extends(recipe.scope.tenantScope(() => slot.tenantId())).$extends({
      name: '@bulkhead/tenancy/keys',
      client: {
        /** The composite primary key of a tenant row: `where: db.$key(orderId)`. */
        $key(id: string) {
          return { [`${field}_id`]: { [field]: slot.tenantId(), id } };
        },
      },
    }) as unknown as SlotClient;
  };
}

// ─── the handle domain code holds ────────────────────────────────────────────────────────────────

const RAW_METHODS = new Set<PropertyKey>(['$queryRaw', '$executeRaw', '$queryRawTyped']);
/** Model operations that only read. */
const READS = new Set<string>([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
]);
/** joinable(): run beside the open transaction, on a side slot. */
const BESIDE = Symbol('beside');

type AnyTransaction = Record<string, unknown>;
type Build<T> = (client: SlotClient | AnyTransaction) => PromiseLike<T>;

/**
 * A lazy operation, like Prisma's own PrismaPromise: nothing runs until it is awaited, and
 * `$transaction([...])` can run several of them on one slot.
 */
class Deferred<T> implements PromiseLike<T> {
  private started?: Promise<T>;

  constructor(
    private readonly handle: Handle,
    readonly build: Build<T>,
    /** A model read (findMany, count…): the one kind of operation that may run beside a transaction. */
    readonly read = false,
  ) {}

  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.run().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.run().finally(onFinally);
  }

  get [Symbol.toStringTag]() {
    return 'PrismaPromise';
  }

  private run(): Promise<T> {
    return (this.started ??= this.handle.execute(this.build, this.read));
  }
}

/** Which data a handle is for: the tenant's placement, or the control plane (members, keys, settings). */
export type Route = 'tenant' | 'control';

interface HandleTerms {
  tenantId: string;
  plan: string;
  workload: Workload;
  /** The request the handle was taken for, for log lines (an operation may be awaited outside it). */
  requestId?: string;
  /** Where its statements go: the tenant's placement, or the control plane for a dedicated-database tenant. */
  placement: Placement;
  route: Route;
  /**
   * The tenant's data is not in the shared tables: its tenant data and its control-plane rows are
   * reached differently (another schema, or another database), so a transaction of one route
   * refuses the other's models outright. (A shared tenant's transaction may touch both; its handles
   * still refuse the wrong route.)
   */
  split: boolean;
}

/** The database a placement's connections come from: shared and schema tenants share the app's. */
function databaseOf(placement: Placement): string {
  return placement.tier === 'database' ? placementLabel(placement) : 'control-plane';
}

class Handle {
  private readonly delegates = new Map<string, object>();
  readonly proxy: object;

  constructor(
    private readonly factory: FactoryCore,
    readonly terms: HandleTerms,
  ) {
    this.proxy = new Proxy(Object.create(null) as object, { get: (_, property) => this.get(property) });
  }

  private get(property: PropertyKey): unknown {
    if (typeof property !== 'string') return undefined;
    if (WITHHELD.has(property)) throw withheld(property);
    if (property === '$key') {
      const field = this.factory.tenantField;
      return (id: string) => ({ [`${field}_id`]: { [field]: this.terms.tenantId, id } });
    }
    if (property === '$transaction') return (work: unknown, options?: unknown) => this.transaction(work, options);
    if (RAW_METHODS.has(property)) {
      return (...args: unknown[]) =>
        new Deferred(this, (client) =>
          (client as unknown as Record<string, (...a: unknown[]) => PromiseLike<unknown>>)[property]!(...args),
        );
    }
    if (this.factory.modelKeys.has(property)) {
      this.factory.checkRoute(property, this.terms.route);
      return this.delegate(property);
    }
    return undefined; // `then` included: a handle is not a promise
  }

  private delegate(model: string): object {
    let delegate = this.delegates.get(model);
    if (!delegate) {
      delegate = new Proxy(Object.create(null) as object, {
        get: (_, operation) =>
          typeof operation !== 'string'
            ? undefined
            : (args?: unknown) =>
                new Deferred(
                  this,
                  (client) =>
                    (client as unknown as Record<string, Record<string, (a: unknown) => PromiseLike<unknown>>>)[model]![operation]!(args),
                  READS.has(operation),
                ),
      });
      this.delegates.set(model, delegate);
    }
    return delegate;
  }

  /**
   * The open interactive transaction of this tenant in the current context, if any; BESIDE for a
   * control-plane read inside a tenant-data transaction of a tenant whose data lives apart.
   */
  private joinable(read = false): AnyTransaction | typeof BESIDE | undefined {
    const store = tenantStorage.getStore();
    if (store?.transaction === undefined) return undefined;
    if (store.tenantId !== this.terms.tenantId) throw new Error('A tenant client was used inside another tenant’s transaction.');
    if ((store.transactionPlacement ?? 'shared') !== placementLabel(this.terms.placement)) {
      // A read of the control plane (the tenant's settings, its plan) needs no atomicity with the
      // tenant-data transaction: it runs beside it, on a side slot, never waiting for the tenant's
      // own slots (which the open transaction holds: with a share of one, that would never end).
      if (read && this.terms.route === 'control' && store.transactionRoute === 'tenant') return BESIDE;
      throw new Error(
        `${this.terms.route === 'tenant' ? 'tenantDb()' : 'controlPlaneDb()'} was used inside a transaction of the other route: ` +
          'this tenant’s data lives apart from the control plane (docs/tiers.md). Do the control-plane work before or after ' +
          'the transaction (a control-plane read inside a tenant-data transaction runs beside it on its own).',
      );
    }
    return store.transaction as AnyTransaction;
  }

  execute<T>(build: Build<T>, read = false): Promise<T> {
    const open = this.joinable(read);
    if (open === BESIDE) return this.factory.withSlot(this.terms, (slot) => build(slot.client), 'side');
    // Inside an interactive transaction of the same tenant, everything joins it: one connection,
    // one snapshot, and no second slot to wait for while holding the first (no self-deadlock).
    if (open) return Promise.resolve(build(open));
    return this.factory.withSlot(this.terms, (slot) => build(slot.client));
  }

  private transaction(work: unknown, options?: unknown): Promise<unknown> {
    // A transaction is never a read: it joins the open one, or is refused across routes.
    const open = this.joinable() as AnyTransaction | undefined;
    if (Array.isArray(work)) {
      const items = work as Deferred<unknown>[];
      if (!items.every((item) => item instanceof Deferred))
        throw new Error('$transaction([...]) takes operations of this same tenant client.');
      if (open)
        return items.reduce<Promise<unknown[]>>(async (results, item) => [...(await results), await item.build(open)], Promise.resolve([]));
      return this.factory.withSlot(this.terms, (slot) =>
        slot.client.$transaction(items.map((item) => item.build(slot.client)) as never, transactionOptions(options, slot.lease!) as never),
      );
    }
    if (typeof work !== 'function') throw new Error('$transaction() takes a function or an array of operations.');
    const body = work as (tx: AnyTransaction) => Promise<unknown>;
    if (open) return body(open);
    const store: ContextStore | undefined = tenantStorage.getStore();
    return this.factory.withSlot(this.terms, (slot) => {
      const lease = slot.lease!;
      return slot.client.$transaction(
        (tx: unknown) => {
          const { route, split } = this.terms;
          const guarded = guardTransaction(tx as AnyTransaction, lease, (model) => split && this.factory.checkRoute(model, route));
          return store
            ? tenantStorage.run(
                { ...store, transaction: guarded, transactionPlacement: placementLabel(this.terms.placement), transactionRoute: route },
                () => body(guarded),
              )
            : body(guarded);
        },
        transactionOptions(options, lease) as never,
      );
    });
  }
}

/**
 * Defaults for Prisma's transaction options, where the caller gave none:
 *  - `maxWait` (Prisma: 2 s) bounds the wait for a connection. The slot is already this tenant's —
 *    the fair wait happened before — so only a connection the pool must open is left: 5 s, the
 *    pool's own connection timeout.
 *  - `timeout` (Prisma: 5 s) bounds the whole transaction. Shorter than the plan's statement
 *    timeout, it would end a legitimate transaction (one waiting on a row lock, say) with Prisma's
 *    "expired transaction" instead of the plan's limit: the statement timeout plus 5 s.
 */
function transactionOptions(options: unknown, lease: Lease): Record<string, unknown> {
  const limit = lease.terms.statementTimeoutMs;
  return { maxWait: 5_000, timeout: limit > 0 ? limit + 5_000 : 5_000, ...(options as Record<string, unknown> | undefined) };
}

/** The transaction object a service receives: the unsafe methods withheld, dead after its lease. */
function guardTransaction(tx: AnyTransaction, lease: Lease, checkModel: (model: string) => unknown): AnyTransaction {
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (lease.ended) throw new Error('This transaction has ended; use the client (tenantDb()) for further work.');
      if (WITHHELD.has(property)) throw withheld(property);
      const value = Reflect.get(target, property, receiver);
      if (typeof property === 'string' && !property.startsWith('$') && typeof value === 'object' && value !== null) checkModel(property);
      return value;
    },
  });
}

// ─── the factory ─────────────────────────────────────────────────────────────────────────────────

export interface TenantClientFactoryOptions<Plan extends string = string> {
  /** The app's pool, as the runtime role. */
  pool: pg.Pool;
  mode?: TenantDbMode;
  /**
   * PrismaClients shared by all tenants, each holding at most one connection at a time. Default:
   * the pool's size minus DEFAULT_RESERVED_CONNECTIONS (at least 1), so that many connections
   * always stay free for work that belongs to no tenant.
   */
  slots?: number;
  /** Overrides of the tenancy's policy (shares and statement timeouts by plan). */
  policy?: TenantPolicyOverride<Plan>;
  /** How long work waits for a slot before it fails with TenantBusyError (default 5 s). */
  queueWaitMs?: number;
  /** Waiting operations per tenant beyond which new ones are refused at once (default 256). */
  maxQueued?: number;
  /** Told about every statement timeout (default: one JSON line on stderr). */
  onStatementTimeout?: (event: StatementTimeoutEvent<Plan>) => void;
  /** Told about every TenantBusyError (default: one JSON line on stderr). */
  onBusy?: (event: BusyEvent<Plan>) => void;
  /** Told when a slot is leased to a tenant and when it comes back (tests, telemetry). */
  onLease?: (event: LeaseEvent) => void;
  /** The dedicated databases of the `database` tier: how to reach one, and the cap across them. */
  databases?: DedicatedDatabases;
}

export interface BusyEvent<Plan extends string = string> {
  tenantId: string;
  requestId?: string;
  plan: Plan;
  share: number;
  waitedMs: number;
}

export interface LeaseEvent {
  phase: 'start' | 'end';
  slot: number;
  tenantId: string;
  /** placementLabel() of where the lease's statements went. */
  placement: string;
}

export interface StatementTimeoutEvent<Plan extends string = string> {
  tenantId: string;
  requestId?: string;
  plan: Plan;
  workload: Workload;
  limitMs: number;
}

/** What a tenancy (tenancy.ts) fixes for every factory it makes: the app's client, plans, policy. */
export interface FactoryDefinition<Plan extends string = string> {
  recipe: Omit<SlotClientRecipe, 'mode'>;
  /** The model delegates a tenant client has (`order`, `customer`…). */
  modelKeys: ReadonlySet<string>;
  /**
   * The delegates whose tables live in the tenant's placement (tenant data); the others are the
   * control plane's. Given, tenantDb() refuses control-plane models and controlPlaneDb() refuses
   * placed ones (except `controlPlaneWrites`). Absent, every table is the placement's (one tier).
   */
  placedModels?: ReadonlySet<string>;
  /** Placed models the control plane also writes with its own changes (an audit trail). */
  controlPlaneWrites?: ReadonlySet<string>;
  plans: readonly Plan[];
  defaultPlan: Plan;
  policy: TenantPolicy<Plan>;
  /** Maps the kit's refusals to the app's own error types. */
  errors?: {
    busy?: (error: TenantBusyError) => Error;
    statementTimeout?: (error: StatementTimeoutError) => Error;
    moving?: (error: TenantMovingError) => Error;
  };
}

type FactoryCore = ReturnType<typeof createCore>;

function createCore<Plan extends string>(definition: FactoryDefinition<Plan>, options: TenantClientFactoryOptions<Plan>) {
  const { pool, mode = 'pipelined' } = options;
  const poolSize = (pool as unknown as { options?: { max?: number } }).options?.max ?? 10;
  const slotCount = options.slots ?? Math.max(1, poolSize - DEFAULT_RESERVED_CONNECTIONS);
  const build = slotClientBuilder({ ...definition.recipe, mode });
  const pools = new PlacementPools(pool, options.databases, options.queueWaitMs ?? 5_000);
  const slots = Array.from({ length: slotCount }, (_, index) => new Slot(pools, build, index));
  // Room under the dedicated-connection cap: a slot's connection kept between leases goes back.
  pools.onPressure = () => {
    for (const slot of slots) slot.releaseIdle(Date.now(), 0);
  };
  const fair = new FairShare(slots, { waitMs: options.queueWaitMs ?? 5_000, maxQueued: options.maxQueued });
  // Side slots: a control-plane read inside a tenant-data transaction of a tenant whose data lives
  // apart runs on one of these, so it never waits for the tenant's own share, which that
  // transaction holds. Built on first use (a deployment of shared tenants never builds one); each
  // holds one connection of the app's pool for one read.
  const sideSlots = Array.from({ length: SIDE_SLOTS }, (_, index) => new Slot(pools, build, slotCount + index));
  const side = new FairShare(sideSlots, { waitMs: options.queueWaitMs ?? 5_000, maxQueued: options.maxQueued });
  const placed = definition.placedModels;
  const controlWrites = definition.controlPlaneWrites ?? new Set<string>();
  // One timer for all slots: idle connections go back to the pool for the work of no tenant.
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const slot of [...slots, ...sideSlots]) slot.releaseIdle(now);
  }, IDLE_CONNECTION_MS);
  sweeper.unref();
  const shares: Record<string, number> = { ...definition.policy.shares, ...options.policy?.shares };
  const timeouts: Record<Workload, Record<string, number>> = {
    interactive: { ...definition.policy.statementTimeoutMs.interactive, ...options.policy?.statementTimeoutMs?.interactive },
    batch: { ...definition.policy.statementTimeoutMs.batch, ...options.policy?.statementTimeoutMs?.batch },
  };
  const onTimeout =
    options.onStatementTimeout ??
    ((event: StatementTimeoutEvent<Plan>) => console.error(JSON.stringify({ level: 'warn', msg: 'statement timeout', ...event })));
  const onBusy =
    options.onBusy ?? ((event: BusyEvent<Plan>) => console.error(JSON.stringify({ level: 'warn', msg: 'tenant busy', ...event })));
  const mapBusy = definition.errors?.busy ?? ((error: TenantBusyError) => error);
  const mapTimeout = definition.errors?.statementTimeout ?? ((error: StatementTimeoutError) => error);
  const mapMoving = definition.errors?.moving ?? ((error: TenantMovingError) => error);

  return {
    mode,
    slots,
    fair,
    tenantField: definition.recipe.scope.tenantField,
    modelKeys: definition.modelKeys,
    pools,
    /** Throws when `model` is not data of the handle's route (a control-plane table through tenantDb()). */
    checkRoute(model: string, route: Route): void {
      if (!placed || !definition.modelKeys.has(model)) return;
      if (route === 'tenant' && !placed.has(model)) {
        throw new Error(
          `${model} is control-plane data (it stays central whatever the tenant's tier): use controlPlaneDb(), not tenantDb().`,
        );
      }
      if (route === 'control' && placed.has(model) && !controlWrites.has(model)) {
        throw new Error(`${model} is tenant data (it lives in the tenant's placement): use tenantDb(), not controlPlaneDb().`);
      }
    },
    /** Gives every kept connection back to its pool (before pool.end()); ends the dedicated pools. */
    close() {
      clearInterval(sweeper);
      for (const slot of [...slots, ...sideSlots]) slot.close();
      void pools.close();
    },
    shares,
    timeouts,
    /** Leases a slot to `terms.tenantId` for `work`, maps a statement timeout or a moving tenant's fence to its error. */
    async withSlot<T>(terms: HandleTerms, work: (slot: Slot) => PromiseLike<T>, kind: 'main' | 'side' = 'main'): Promise<T> {
      const limitMs = timeouts[terms.workload][terms.plan] ?? 0;
      const [queue, share] = kind === 'side' ? [side, 1] : [fair, shares[terms.plan] ?? 1];
      try {
        return await queue.run(terms.tenantId, share, async (slot) => {
          const { placement } = terms;
          const lease = new Lease(
            {
              tenantId: terms.tenantId,
              statementTimeoutMs: limitMs,
              plan: terms.plan,
              workload: terms.workload,
              placement,
              ...(placement.tier === 'schema' ? { schema: placement.schema } : {}),
            },
            slot,
          );
          slot.lease = lease;
          const label = placementLabel(placement);
          options.onLease?.({ phase: 'start', slot: slot.index, tenantId: terms.tenantId, placement: label });
          try {
            return await work(slot);
          } finally {
            await lease.end();
            slot.lease = undefined;
            options.onLease?.({ phase: 'end', slot: slot.index, tenantId: terms.tenantId, placement: label });
          }
        });
      } catch (error) {
        const requestId = terms.requestId ?? tenantStorage.getStore()?.requestId;
        if (error instanceof TenantBusyError) {
          const { share, waitedMs } = error;
          onBusy({ tenantId: terms.tenantId, requestId, plan: terms.plan as Plan, share, waitedMs });
          throw mapBusy(error);
        }
        if (limitMs > 0 && isStatementTimeout(error)) {
          onTimeout({ tenantId: terms.tenantId, requestId, plan: terms.plan as Plan, workload: terms.workload, limitMs });
          throw mapTimeout(new StatementTimeoutError(limitMs, terms.plan, terms.workload, { cause: error }));
        }
        // A write of a tenant whose move froze it, in the copy it is leaving: its transaction rolled
        // back, and a retry resolves the placement again (docs/moves.md).
        if (isTenantMoving(error)) throw mapMoving(new TenantMovingError({ cause: error }));
        throw error;
      }
    },
  };
}

/**
 * A set of tenant clients over one pool. Use it through createTenancy(), which supplies the
 * definition; tests and benchmarks build their own factories over their own pools with
 * `tenancy.createTenantClientFactory(options)`.
 */
export function createTenantClientFactory<C extends PrismaClientLike, Plan extends string, Field extends string = 'tenantId'>(
  definition: FactoryDefinition<Plan>,
  options: TenantClientFactoryOptions<Plan>,
) {
  const core = createCore(definition, options);
  const isPlan = (plan: string): plan is Plan => (definition.plans as readonly string[]).includes(plan);
  return {
    mode: core.mode,
    /** PrismaClients behind every tenant of this factory. */
    slotCount: core.slots.length,
    /** PrismaClients built so far (at most slotCount, whatever the number of tenants). */
    builtClients: () => core.slots.filter((slot) => (slot as unknown as { built?: unknown }).built !== undefined).length,
    /**
     * The client of `tenantId`: a small handle (no PrismaClient of its own); each awaited operation
     * leases one of the shared slots for this tenant.
     */
    forTenant(tenantId: string, terms: ForTenantTerms<Plan> = {}): TenantClient<C, Field> {
      const { plan = definition.defaultPlan, workload = 'interactive', requestId, route = 'tenant' } = terms;
      if (!isPlan(plan)) throw new Error(`Unknown plan "${plan}": expected one of ${definition.plans.join(', ')}.`);
      if (workload !== 'interactive' && workload !== 'batch')
        throw new Error(`Unknown workload "${String(workload)}": expected interactive or batch.`);
      if (route !== 'tenant' && route !== 'control') throw new Error(`Unknown route "${String(route)}": expected tenant or control.`);
      const own = assertPlacement(terms.placement ?? SHARED_PLACEMENT);
      // The control plane is the app's database, in public, whatever the tenant's tier.
      const placement = route === 'control' ? SHARED_PLACEMENT : own;
      const split = own.tier !== 'shared';
      return new Handle(core, { tenantId: assertTenantId(tenantId), plan, workload, requestId, placement, route, split })
        .proxy as TenantClient<C, Field>;
    },
    /** Slots in use, free, and held per tenant right now. */
    stats: () => core.fair.stats(),
    /** Dedicated-database pools alive, their open connections, and the cap across them. */
    databaseStats: () => core.pools.stats(),
    /** The statement timeout that applies to a plan and workload. */
    statementTimeoutMs: (plan: Plan, workload: Workload = 'interactive') => core.timeouts[workload][plan] ?? 0,
    share: (plan: Plan) => Math.min(core.shares[plan] ?? 1, core.slots.length),
    /** Returns the connections the slots keep to the pool; call before ending the pool. */
    close: () => core.close(),
  };
}

export type TenantClientFactory<
  C extends PrismaClientLike = PrismaClientLike,
  Plan extends string = string,
  Field extends string = 'tenantId',
> = ReturnType<typeof createTenantClientFactory<C, Plan, Field>>;

/**
 * The tenant client for the current context, from `factory`. Inside
 * `db.$transaction(async (tx) => …)` it returns that transaction, so helpers join it.
 */
export function tenantDbFrom<C extends PrismaClientLike, Plan extends string, Field extends string>(
  factory: TenantClientFactory<C, Plan, Field>,
  route: Route = 'tenant',
): TenantClient<C, Field> | TenantTransaction<C, Field> {
  const store: ContextStore | undefined = tenantStorage.getStore();
  if (!store) throw new TenantContextMissingError('the database');
  // Inside an open transaction of this route: that transaction, so helpers join it.
  if (store.transaction !== undefined && (store.transactionRoute ?? 'tenant') === route) {
    return store.transaction as TenantTransaction<C, Field>;
  }
  // Otherwise a handle; inside the other route's transaction it joins it when both reach the same
  // tables (a shared tenant), and refuses when they do not.
  return factory.forTenant(store.tenantId, {
    plan: store.plan as Plan | undefined,
    workload: store.workload,
    requestId: store.requestId,
    placement: store.placement,
    route,
  });
}

export interface ForTenantTerms<Plan extends string = string> {
  plan?: Plan;
  workload?: Workload;
  requestId?: string;
  /** Where the tenant's data lives (default: shared). */
  placement?: Placement;
  /** `control` for the control plane's tables (members, API keys, the tenant row). */
  route?: Route;
}

/** The keys under which Prisma (and its driver adapter) keep the error they wrap. */
const ERROR_CHAIN = ['cause', 'meta', 'driverAdapterError', 'error'] as const;

/** `matches` holds for the error or for one it wraps (a few levels deep). */
function inErrorChain(error: unknown, matches: (record: Record<string, unknown>) => boolean, depth = 0): boolean {
  if (depth > 6 || typeof error !== 'object' || error === null) return false;
  const record = error as Record<string, unknown>;
  if (matches(record)) return true;
  return ERROR_CHAIN.some((key) => key in record && inErrorChain(record[key], matches, depth + 1));
}

/** SQLSTATE 57014 anywhere in the error's chain (Prisma wraps the driver's error). */
export function isStatementTimeout(error: unknown): boolean {
  return inErrorChain(
    error,
    (record) =>
      record.code === '57014' ||
      record.originalCode === '57014' ||
      (typeof record.message === 'string' && record.message.includes('canceling statement due to statement timeout')),
  );
}

/** SQLSTATE BH503 (a moving tenant's closed fence) anywhere in the error's chain. */
export function isTenantMoving(error: unknown): boolean {
  return inErrorChain(error, (record) => record.code === TENANT_MOVING_SQLSTATE || record.originalCode === TENANT_MOVING_SQLSTATE);
}
