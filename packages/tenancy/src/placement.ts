import pg from 'pg';

import { TenantBusyError } from './errors';

// Where a tenant's data lives, and how a tenant client reaches it (the router).
//
//   shared    the shared tables of the control-plane database (public), row-level security by tenant;
//   schema    a schema of its own (t_…) in the control-plane database: the same tables, policies and
//             composite keys, cloned from the shared definition;
//   database  a database of its own on a server that configuration names (a "target"): the same
//             roles, schema, policies and catalog audit as the control-plane database.
//
// One set of slot clients serves every tier. Prisma writes `"public"."orders"` into every model
// query, whatever the tenant, so for a schema tenant the scoped pool rewrites the qualified names of
// the placed tables (and only those) to the tenant's schema before a statement is sent, and sets a
// transaction-local search_path of that schema alone for raw SQL with unqualified names. A database
// tenant's statements run on a connection from that database's pool, under one global cap.

export type Placement =
  | { readonly tier: 'shared' }
  | { readonly tier: 'schema'; readonly schema: string }
  | { readonly tier: 'database'; readonly target: string; readonly database: string };

export type PlacementTier = Placement['tier'];
export const PLACEMENT_TIERS: readonly PlacementTier[] = ['shared', 'schema', 'database'];
export const SHARED_PLACEMENT: Placement = Object.freeze({ tier: 'shared' });

const SCHEMA = /^t_[a-z0-9_]{1,59}$/;
const TARGET = /^[a-z][a-z0-9_-]{0,39}$/;
const DATABASE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `placement` names only identifiers that need no escaping. */
export function assertPlacement(placement: Placement): Placement {
  switch (placement.tier) {
    case 'shared':
      return placement;
    case 'schema':
      if (!SCHEMA.test(placement.schema)) throw new Error(`Invalid tenant schema "${placement.schema}": expected t_ and [a-z0-9_].`);
      return placement;
    case 'database':
      if (!TARGET.test(placement.target)) throw new Error(`Invalid database target "${placement.target}".`);
      if (!DATABASE.test(placement.database)) throw new Error(`Invalid tenant database name "${placement.database}".`);
      return placement;
    default:
      throw new Error(`Unknown placement tier "${(placement as { tier: string }).tier}".`);
  }
}

/** A short stable label: `shared`, `schema:t_acme`, `database:eu1/acme`. */
export function placementLabel(placement: Placement): string {
  if (placement.tier === 'schema') return `schema:${placement.schema}`;
  if (placement.tier === 'database') return `database:${placement.target}/${placement.database}`;
  return 'shared';
}

/** True when two placements reach the same database (shared and schema tenants share one). */
export function sameDatabase(a: Placement, b: Placement): boolean {
  if (a.tier !== 'database' || b.tier !== 'database') return a.tier !== 'database' && b.tier !== 'database';
  return a.target === b.target && a.database === b.database;
}

/**
 * Rewrites Prisma's qualified names of the placed tables — `"public"."orders"` — to `schema`. Only
 * those tables: the control-plane tables and the enum types stay in public. A name Prisma did not
 * qualify is left alone (raw SQL reaches the schema through search_path instead).
 */
export function schemaRewriter(tables: readonly string[], from = 'public'): (text: string, schema: string) => string {
  if (tables.length === 0) return (text) => text;
  for (const table of tables) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`schemaRewriter(): "${table}" is not a plain table name.`);
  }
  const pattern = new RegExp(`"${from}"\\."(${tables.join('|')})"`, 'g');
  return (text, schema) => (text.includes(`"${from}".`) ? text.replace(pattern, `"${schema}"."$1"`) : text);
}

// ─── the pools of dedicated databases ────────────────────────────────────────────────────────────

export interface DedicatedDatabases {
  /** The pool options (runtime role) of one dedicated database; `target` is a name from configuration. */
  poolConfig(target: string, database: string): pg.PoolConfig;
  /** Open connections across every dedicated database's pool, at most (default 8). */
  maxConnections?: number;
  /** An idle connection is closed after this long (default 2 s); an unused pool is ended after 30 s. */
  idleMs?: number;
}

interface DedicatedPool {
  pool: pg.Pool;
  lastUsed: number;
  checkedOut: number;
  /**
   * Checkouts under way that count on one of the pool's idle connections. pg.Pool hands an idle
   * connection over on the next tick, so until then idleCount still shows it: two checkouts that
   * both saw it would get it and a new connection, opened without room under the cap.
   */
  claims: number;
}

/**
 * The connections of every placement: the app's pool for shared and schema tenants, one small pool
 * per dedicated database, created on first use and ended when unused, all dedicated pools under one
 * cap of open connections (a connection that would pass it waits for one to close).
 */
export class PlacementPools {
  private readonly dedicated = new Map<string, DedicatedPool>();
  private open = 0;
  private reserved = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly maxConnections: number;
  private readonly idleMs: number;
  private readonly sweeper?: NodeJS.Timeout;
  private closed = false;
  /**
   * Called when a connection must wait for room under the cap: the slot clients give back the
   * connections they keep between leases (client.ts), so they can be closed.
   */
  onPressure?: () => void;

  constructor(
    readonly shared: pg.Pool,
    private readonly databases?: DedicatedDatabases,
    private readonly waitMs = 5_000,
  ) {
    this.maxConnections = databases?.maxConnections ?? 8;
    this.idleMs = databases?.idleMs ?? 2_000;
    if (databases) {
      this.sweeper = setInterval(() => this.endUnusedPools(Date.now()), 5_000);
      this.sweeper.unref();
    }
  }

  /** A connection for `placement`: from the app's pool, or from its database's pool under the cap. */
  async connect(placement: Placement): Promise<pg.PoolClient> {
    if (placement.tier !== 'database') return this.shared.connect();
    const entry = this.poolOf(placement);
    entry.lastUsed = Date.now();
    // A free idle connection costs nothing against the cap; a new one needs room under it.
    const room = await this.reserve(entry);
    try {
      const client = await entry.pool.connect();
      entry.checkedOut += 1;
      const release = client.release.bind(client);
      let released = false;
      client.release = (error?: Error | boolean) => {
        if (!released) {
          released = true;
          entry.checkedOut -= 1;
          entry.lastUsed = Date.now();
        }
        // Work waits for room under the cap: close this connection rather than keep it idle.
        return release(error ?? (this.waiting.length > 0 ? true : undefined));
      };
      return client;
    } finally {
      if (room === 'idle') entry.claims -= 1;
      else this.unreserve();
    }
  }

  /** Open connections across the dedicated pools, pools alive, and the cap. */
  stats() {
    return { dedicatedPools: this.dedicated.size, dedicatedConnections: this.open, maxConnections: this.maxConnections };
  }

  /** Ends every dedicated pool (the app's pool belongs to the app). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    const pools = [...this.dedicated.values()];
    this.dedicated.clear();
    await Promise.all(pools.map((entry) => entry.pool.end().catch(() => {})));
  }

  private poolOf(placement: Extract<Placement, { tier: 'database' }>): DedicatedPool {
    if (!this.databases) {
      throw new Error(`Tenant placement ${placementLabel(placement)}: no dedicated databases are configured (databases.poolConfig).`);
    }
    if (this.closed) throw new Error('The tenant clients are closed.');
    const key = placementLabel(placement);
    let entry = this.dedicated.get(key);
    if (!entry) {
      const config = this.databases.poolConfig(placement.target, placement.database);
      const pool = new pg.Pool({
        connectionTimeoutMillis: 5_000,
        application_name: 'bulkhead-app',
        ...config,
        max: Math.min(config.max ?? this.maxConnections, this.maxConnections),
        idleTimeoutMillis: this.idleMs,
        allowExitOnIdle: true,
      });
      pool.on('connect', () => (this.open += 1));
      pool.on('remove', () => {
        this.open -= 1;
        this.waiting.shift()?.();
      });
      // A server that closes an idle connection must not end the process.
      pool.on('error', (error) => console.error(`db: idle connection error (${key}):`, error.message));
      entry = { pool, lastUsed: Date.now(), checkedOut: 0, claims: 0 };
      this.dedicated.set(key, entry);
    }
    return entry;
  }

  /**
   * Claims one of the pool's unclaimed idle connections (`idle`), or reserves room under the cap
   * for a new one (`new`), waiting for either; undo it with `claims -= 1` or unreserve().
   */
  private async reserve(entry: DedicatedPool): Promise<'idle' | 'new'> {
    const started = Date.now();
    for (;;) {
      if (entry.pool.idleCount > entry.claims) {
        entry.claims += 1;
        return 'idle';
      }
      if (this.open + this.reserved < this.maxConnections) {
        this.reserved += 1;
        return 'new';
      }
      const left = this.waitMs - (Date.now() - started);
      if (left <= 0) throw new TenantBusyError(this.maxConnections, Date.now() - started);
      this.makeRoom(entry);
      await new Promise<void>((resolve) => {
        // Woken by a connection closing, or by the timer: then it leaves the queue, so that a
        // stale waiter neither takes the next wake-up from a live one nor keeps every released
        // connection closing for want of room nobody waits for.
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(
          () => {
            const index = this.waiting.indexOf(wake);
            if (index >= 0) this.waiting.splice(index, 1);
            resolve();
          },
          Math.min(left, 250),
        );
        this.waiting.push(wake);
      });
    }
  }

  /** Closes idle connections of the other databases' pools, and asks the slots for theirs. */
  private makeRoom(except: DedicatedPool): void {
    this.onPressure?.();
    for (const other of this.dedicated.values()) {
      if (other === except) continue;
      // pg.Pool closes a connection only on idle timeout or a release with an error; checking
      // out an idle one (no wait: it is there) and releasing it as spent closes it now.
      // Only the idle connections no checkout has claimed, and claimed meanwhile: taking one a
      // checkout counts on would have the pool open a new one for it, beyond the cap.
      for (let i = other.pool.idleCount - other.claims; i > 0; i--) {
        other.claims += 1;
        void other.pool.connect().then(
          (client) => {
            other.claims -= 1;
            client.release(true);
          },
          () => (other.claims -= 1),
        );
      }
    }
  }

  private unreserve(): void {
    this.reserved -= 1;
  }

  private endUnusedPools(now: number): void {
    for (const [key, entry] of this.dedicated) {
      if (entry.checkedOut === 0 && entry.pool.totalCount === 0 && now - entry.lastUsed > 30_000) {
        this.dedicated.delete(key);
        void entry.pool.end().catch(() => {});
      }
    }
  }
}
