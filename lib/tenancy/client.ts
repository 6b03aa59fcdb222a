import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { Prisma, PrismaClient } from '../db/generated/client';
import { tenantStorage, TenantContextMissingError, type ContextStore, type Plan, type Workload } from './context';
import { StatementTimeoutError, TenantBusyError } from './errors';
import { FairShare } from './fair-share';
import { tenantScope } from './scope';
import { assertTenantId, ScopedPool, type Binding, type Checkout, type ConnectionSource, type TenantDbMode } from './tenant-pool';

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
// those of the slots (DATABASE_POOL_SIZE − DATABASE_POOL_RESERVED PrismaClients, each compiling
// its query plans once), whether 10 or 10,000 tenants come by.
//
// The slots are also the bulkhead (fair-share.ts): a lease holds at most one connection of the
// app's pool, a tenant holds at most its plan's share of slots, waiting work queues per tenant and
// is served round-robin, and the connections the slots can never take stay free for the lookups
// that belong to no tenant (membership, API keys, the rate limiter, the health check).
//
// Domain code sees none of this: tenantDb() returns a handle whose model calls, raw queries and
// transactions are lazy like Prisma's own promises; awaiting one leases a slot, runs it, returns
// the slot.

export type TenantPlan = Plan;

export interface TenantPolicy {
  /** Slots one tenant may hold at once, by plan. */
  shares: Readonly<Record<Plan, number>>;
  /** statement_timeout in ms, by workload and plan (0: none). */
  statementTimeoutMs: Readonly<Record<Workload, Readonly<Record<Plan, number>>>>;
}

export const DEFAULT_POLICY: TenantPolicy = {
  shares: { free: 2, pro: 4, enterprise: 8 },
  statementTimeoutMs: {
    interactive: { free: 5_000, pro: 15_000, enterprise: 60_000 },
    batch: { free: 300_000, pro: 900_000, enterprise: 3_600_000 },
  },
};

/** The connections of the pool that tenant work can never take. */
export const DEFAULT_RESERVED_CONNECTIONS = 2;

// ─── slots and leases ────────────────────────────────────────────────────────────────────────────

interface LeaseTerms extends Binding {
  plan: Plan;
  workload: Workload;
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
      this.connection ??= this.slot.connection();
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
    if (connection) this.slot.keep(connection, this.broken);
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
  private keptSince = 0;
  /** Set when the factory closes: connections go straight back to the pool. */
  closed = false;
  private readonly onKeptError = (error: Error) => this.drop(error);

  constructor(
    private readonly shared: pg.Pool,
    private readonly mode: TenantDbMode,
    readonly index: number,
  ) {}

  /** The connection for a new lease: the kept one, or one from the pool. */
  connection(): Promise<pg.PoolClient> {
    const kept = this.kept;
    if (!kept) return this.shared.connect();
    this.kept = undefined;
    kept.off('error', this.onKeptError);
    return Promise.resolve(kept);
  }

  /** Takes the connection back at the end of a lease; a broken one is destroyed instead. */
  keep(client: pg.PoolClient, broken?: Error): void {
    if (broken || this.closed) return client.release(broken);
    // A server that closes an idle connection emits 'error' on it; unheard, that ends the process.
    client.on('error', this.onKeptError);
    this.kept = client;
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
    return (this.built ??= buildSlotClient(this, this.shared, this.mode));
  }

  private current(): Lease {
    if (!this.lease) throw new Error('A tenant client slot was used outside a lease.');
    return this.lease;
  }

  binding(): Binding {
    return this.current().terms;
  }

  tenantId(): string {
    return this.current().terms.tenantId;
  }

  checkout(): Promise<Checkout> {
    return this.current().checkout();
  }
}

function buildSlotClient(slot: Slot, shared: pg.Pool, mode: TenantDbMode) {
  // The scoped pool narrows pg.Pool's query() overloads to the one Prisma's adapter uses.
  const scopedPool = new ScopedPool(slot, mode) as unknown as pg.Pool;
  void shared;
  // The runtime role may not read these columns at all (column grants): never ask for them.
  const base = new PrismaClient({ adapter: new PrismaPg(scopedPool), omit: { user: { passwordHash: true, sessionVersion: true } } });
  return base.$extends(tenantScope(() => slot.tenantId())).$extends({
    name: 'bulkhead/tenant-keys',
    client: {
      /** The composite primary key of a tenant row: `where: db.$key(orderId)`. */
      $key(id: string) {
        return { tenantId_id: { tenantId: slot.tenantId(), id } };
      },
    },
  });
}

type SlotClient = ReturnType<typeof buildSlotClient>;

/** Methods a tenant client does not have: raw SQL by string concatenation, and lifecycle. */
type Withheld = '$queryRawUnsafe' | '$executeRawUnsafe' | '$connect' | '$disconnect' | '$on' | '$extends';
const WITHHELD = new Set<PropertyKey>(['$queryRawUnsafe', '$executeRawUnsafe', '$connect', '$disconnect', '$on', '$extends']);
const withheld = (property: PropertyKey) =>
  new Error(`${String(property)} is not available on a tenant client: use the tagged-template $queryRaw / $executeRaw.`);

export type TenantClient = Omit<SlotClient, Withheld>;
/** What a service receives inside an interactive transaction. */
type InteractiveWork = Extract<Parameters<SlotClient['$transaction']>[0], (...args: never[]) => unknown>;
export type TenantTransaction = Parameters<InteractiveWork>[0];

// ─── the handle domain code holds ────────────────────────────────────────────────────────────────

const MODEL_KEYS = new Set((Object.values(Prisma.ModelName) as string[]).map((name) => name.charAt(0).toLowerCase() + name.slice(1)));
const RAW_METHODS = new Set<PropertyKey>(['$queryRaw', '$executeRaw', '$queryRawTyped']);

type Build<T> = (client: SlotClient | TenantTransaction) => PromiseLike<T>;

/**
 * A lazy operation, like Prisma's own PrismaPromise: nothing runs until it is awaited, and
 * `$transaction([...])` can run several of them on one slot.
 */
class Deferred<T> implements PromiseLike<T> {
  private started?: Promise<T>;

  constructor(
    private readonly handle: Handle,
    readonly build: Build<T>,
  ) {}

  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
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
    return (this.started ??= this.handle.execute(this.build));
  }
}

interface HandleTerms {
  tenantId: string;
  plan: Plan;
  workload: Workload;
  /** The request the handle was taken for, for log lines (an operation may be awaited outside it). */
  requestId?: string;
}

class Handle {
  private readonly delegates = new Map<string, object>();
  readonly proxy: TenantClient;

  constructor(
    private readonly factory: FactoryCore,
    readonly terms: HandleTerms,
  ) {
    this.proxy = new Proxy(Object.create(null) as object, { get: (_, property) => this.get(property) }) as TenantClient;
  }

  private get(property: PropertyKey): unknown {
    if (typeof property !== 'string') return undefined;
    if (WITHHELD.has(property)) throw withheld(property);
    if (property === '$key') return (id: string) => ({ tenantId_id: { tenantId: this.terms.tenantId, id } });
    if (property === '$transaction') return (work: unknown, options?: unknown) => this.transaction(work, options);
    if (RAW_METHODS.has(property)) {
      return (...args: unknown[]) => new Deferred(this, (client) => (client as unknown as Record<string, (...a: unknown[]) => PromiseLike<unknown>>)[property]!(...args));
    }
    if (MODEL_KEYS.has(property)) return this.delegate(property);
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
                new Deferred(this, (client) => (client as unknown as Record<string, Record<string, (a: unknown) => PromiseLike<unknown>>>)[model]![operation]!(args)),
      });
      this.delegates.set(model, delegate);
    }
    return delegate;
  }

  /** The open interactive transaction of this tenant in the current context, if any. */
  private joinable(): TenantTransaction | undefined {
    const store = tenantStorage.getStore();
    if (store?.transaction === undefined) return undefined;
    if (store.tenantId !== this.terms.tenantId) throw new Error('A tenant client was used inside another tenant’s transaction.');
    return store.transaction as TenantTransaction;
  }

  execute<T>(build: Build<T>): Promise<T> {
    const open = this.joinable();
    // Inside an interactive transaction of the same tenant, everything joins it: one connection,
    // one snapshot, and no second slot to wait for while holding the first (no self-deadlock).
    if (open) return Promise.resolve(build(open));
    return this.factory.withSlot(this.terms, (slot) => build(slot.client));
  }

  private transaction(work: unknown, options?: unknown): Promise<unknown> {
    const open = this.joinable();
    if (Array.isArray(work)) {
      const items = work as Deferred<unknown>[];
      if (!items.every((item) => item instanceof Deferred)) throw new Error('$transaction([...]) takes operations of this same tenant client.');
      if (open) return items.reduce<Promise<unknown[]>>(async (results, item) => [...(await results), await item.build(open)], Promise.resolve([]));
      return this.factory.withSlot(this.terms, (slot) =>
        slot.client.$transaction(items.map((item) => item.build(slot.client)) as never, transactionOptions(options, slot.lease!) as never),
      );
    }
    if (typeof work !== 'function') throw new Error('$transaction() takes a function or an array of operations.');
    const body = work as (tx: TenantTransaction) => Promise<unknown>;
    if (open) return body(open);
    const store: ContextStore | undefined = tenantStorage.getStore();
    return this.factory.withSlot(this.terms, (slot) => {
      const lease = slot.lease!;
      return slot.client.$transaction((tx) => {
        const guarded = guardTransaction(tx as TenantTransaction, lease);
        return store ? tenantStorage.run({ ...store, transaction: guarded }, () => body(guarded)) : body(guarded);
      }, transactionOptions(options, lease) as never);
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
function guardTransaction(tx: TenantTransaction, lease: Lease): TenantTransaction {
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (lease.ended) throw new Error('This transaction has ended; use the client (tenantDb()) for further work.');
      if (WITHHELD.has(property)) throw withheld(property);
      return Reflect.get(target, property, receiver);
    },
  });
}

// ─── the factory ─────────────────────────────────────────────────────────────────────────────────

export interface TenantClientFactoryOptions {
  /** The app's pool, as the runtime role. */
  pool: pg.Pool;
  mode?: TenantDbMode;
  /**
   * PrismaClients shared by all tenants, each holding at most one connection at a time. Default:
   * the pool's size minus DEFAULT_RESERVED_CONNECTIONS (at least 1), so that many connections
   * always stay free for work that belongs to no tenant.
   */
  slots?: number;
  policy?: { shares?: Partial<TenantPolicy['shares']>; statementTimeoutMs?: Partial<{ [W in Workload]: Partial<Record<Plan, number>> }> };
  /** How long work waits for a slot before it fails with TenantBusyError (default 5 s). */
  queueWaitMs?: number;
  /** Waiting operations per tenant beyond which new ones are refused at once (default 256). */
  maxQueued?: number;
  /** Told about every statement timeout (default: one JSON line on stderr). */
  onStatementTimeout?: (event: StatementTimeoutEvent) => void;
  /** Told about every TenantBusyError (default: one JSON line on stderr). */
  onBusy?: (event: BusyEvent) => void;
  /** Told when a slot is leased to a tenant and when it comes back (tests, telemetry). */
  onLease?: (event: LeaseEvent) => void;
}

export interface BusyEvent {
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
}

export interface StatementTimeoutEvent {
  tenantId: string;
  requestId?: string;
  plan: Plan;
  workload: Workload;
  limitMs: number;
}

type FactoryCore = ReturnType<typeof createCore>;

function createCore(options: TenantClientFactoryOptions) {
  const { pool, mode = 'pipelined' } = options;
  const poolSize = (pool as unknown as { options?: { max?: number } }).options?.max ?? 10;
  const slotCount = options.slots ?? Math.max(1, poolSize - DEFAULT_RESERVED_CONNECTIONS);
  const slots = Array.from({ length: slotCount }, (_, index) => new Slot(pool, mode, index));
  const fair = new FairShare(slots, { waitMs: options.queueWaitMs ?? 5_000, maxQueued: options.maxQueued });
  // One timer for all slots: idle connections go back to the pool for the work of no tenant.
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const slot of slots) slot.releaseIdle(now);
  }, IDLE_CONNECTION_MS);
  sweeper.unref();
  const shares = { ...DEFAULT_POLICY.shares, ...options.policy?.shares };
  const timeouts = {
    interactive: { ...DEFAULT_POLICY.statementTimeoutMs.interactive, ...options.policy?.statementTimeoutMs?.interactive },
    batch: { ...DEFAULT_POLICY.statementTimeoutMs.batch, ...options.policy?.statementTimeoutMs?.batch },
  };
  const onTimeout = options.onStatementTimeout ?? ((event: StatementTimeoutEvent) => console.error(JSON.stringify({ level: 'warn', msg: 'statement timeout', ...event })));
  const onBusy = options.onBusy ?? ((event: BusyEvent) => console.error(JSON.stringify({ level: 'warn', msg: 'tenant busy', ...event })));

  return {
    mode,
    slots,
    fair,
    /** Gives every kept connection back to the pool (before pool.end()). */
    close() {
      clearInterval(sweeper);
      for (const slot of slots) slot.close();
    },
    shares,
    timeouts,
    /** Leases a slot to `terms.tenantId` for `work`, maps a statement timeout to its AppError. */
    async withSlot<T>(terms: HandleTerms, work: (slot: Slot) => PromiseLike<T>): Promise<T> {
      const limitMs = timeouts[terms.workload][terms.plan];
      try {
        return await fair.run(terms.tenantId, shares[terms.plan], async (slot) => {
          const lease = new Lease({ tenantId: terms.tenantId, statementTimeoutMs: limitMs, plan: terms.plan, workload: terms.workload }, slot);
          slot.lease = lease;
          options.onLease?.({ phase: 'start', slot: slot.index, tenantId: terms.tenantId });
          try {
            return await work(slot);
          } finally {
            await lease.end();
            slot.lease = undefined;
            options.onLease?.({ phase: 'end', slot: slot.index, tenantId: terms.tenantId });
          }
        });
      } catch (error) {
        if (error instanceof TenantBusyError) {
          const { share, waitedMs } = error;
          onBusy({ tenantId: terms.tenantId, requestId: terms.requestId ?? tenantStorage.getStore()?.requestId, plan: terms.plan, share, waitedMs });
        }
        if (limitMs > 0 && isStatementTimeout(error)) {
          const requestId = terms.requestId ?? tenantStorage.getStore()?.requestId;
          onTimeout({ tenantId: terms.tenantId, requestId, plan: terms.plan, workload: terms.workload, limitMs });
          throw new StatementTimeoutError(limitMs, terms.plan, terms.workload, { cause: error });
        }
        throw error;
      }
    },
  };
}

export function createTenantClientFactory(options: TenantClientFactoryOptions) {
  const core = createCore(options);
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
    forTenant(tenantId: string, terms: { plan?: Plan; workload?: Workload; requestId?: string } = {}): TenantClient {
      const { plan = 'free', workload = 'interactive', requestId } = terms;
      return new Handle(core, { tenantId: assertTenantId(tenantId), plan, workload, requestId }).proxy;
    },
    /** Slots in use, free, and held per tenant right now. */
    stats: () => core.fair.stats(),
    /** The statement timeout that applies to a plan and workload. */
    statementTimeoutMs: (plan: Plan, workload: Workload = 'interactive') => core.timeouts[workload][plan],
    share: (plan: Plan) => Math.min(core.shares[plan], core.slots.length),
    /** Returns the connections the slots keep to the pool; call before ending the pool. */
    close: () => core.close(),
  };
}

export type TenantClientFactory = ReturnType<typeof createTenantClientFactory>;

/**
 * The tenant client for the current context — the one way domain code reaches the database.
 * Inside `db.$transaction(async (tx) => …)` it returns that transaction, so helpers join it.
 */
export function tenantDbFrom(factory: TenantClientFactory): TenantClient | TenantTransaction {
  const store: ContextStore | undefined = tenantStorage.getStore();
  if (!store) throw new TenantContextMissingError('the database');
  return (store.transaction as TenantTransaction | undefined) ?? factory.forTenant(store.tenantId, { plan: store.plan, workload: store.workload, requestId: store.requestId });
}

/** SQLSTATE 57014 anywhere in the error's chain (Prisma wraps the driver's error). */
export function isStatementTimeout(error: unknown, depth = 0): boolean {
  if (depth > 6 || typeof error !== 'object' || error === null) return false;
  const record = error as Record<string, unknown>;
  if (record.code === '57014' || record.originalCode === '57014') return true;
  if (typeof record.message === 'string' && record.message.includes('canceling statement due to statement timeout')) return true;
  return ['cause', 'meta', 'driverAdapterError', 'error'].some((key) => key in record && isStatementTimeout(record[key], depth + 1));
}
