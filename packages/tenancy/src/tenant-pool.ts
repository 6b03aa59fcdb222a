import pg from 'pg';

import { pipelined, SET_TENANT_AND_TIMEOUT_SQL, SET_TENANT_SQL, WRITE_FAILED } from './pipeline';
import { assertPlacement } from './placement';

// Layer (a), the database layer: a pg.Pool look-alike handed to Prisma's PrismaPg adapter. Every
// statement it runs carries `app.tenant_id` (and the plan's statement_timeout), set
// transaction-locally (set_config(…, true)), so row-level security filters it and the limit
// applies to it; nothing is ever set at session level, so nothing survives into the next checkout
// of the connection.
//
// Where the tenant comes from: a `Binding` read from the object this pool was built with — never
// from AsyncLocalStorage. With Prisma 7 the context does not reach the driver adapter: queries run
// from Prisma's own async resources (its request batcher dispatches on a process.nextTick of
// whichever call came first), so a driver that looked up "the current tenant" would see none, or
// another request's (the ambient-hazard test of the Bulkhead app shows it). Two sources of a binding:
//   TenantBoundPool  bound to one tenant for its whole life (tests, the layer-(a)-only benchmark);
//   a Lease          one slot's PrismaClient, bound to whichever tenant leased the slot, for the
//                    length of one operation or one interactive transaction (client.ts).
//
// Two modes, same guarantee:
//   pipelined    set_config and the query in one round trip (one implicit transaction);
//                BEGIN and set_config in one round trip for interactive transactions.
//   transaction  plain statements: BEGIN; set_config; query; COMMIT — for poolers or drivers
//                where pipelining does not fit.

export type TenantDbMode = 'pipelined' | 'transaction';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertTenantId(tenantId: string): string {
  if (!UUID.test(tenantId)) throw new Error(`Invalid tenant id "${tenantId}": expected a lower-case UUID.`);
  return tenantId;
}

/** What one statement runs as: the tenant, and the statement timeout in ms (0: the server's). */
export interface Binding {
  readonly tenantId: string;
  readonly statementTimeoutMs: number;
  /**
   * The tenant's own schema (the `schema` tier): the placed tables' qualified names are rewritten
   * to it, and the transaction's search_path is it alone (then pg_temp), so raw SQL with
   * unqualified names reaches it too — and a table missing there fails instead of falling through
   * to the shared tables.
   */
  readonly schema?: string;
}

/** A connection lent for one statement or one interactive transaction. */
export interface Checkout {
  client: pg.PoolClient;
  /** Gives it back; `broken` set means it must never be used again. */
  done(broken?: Error): void;
}

/** Where a scoped pool gets its binding and its connections. */
export interface ConnectionSource {
  binding(): Binding;
  checkout(): Promise<Checkout>;
}

type QueryConfig = pg.QueryConfig & { rowMode?: 'array' };

const isBegin = (text: string) => /^\s*BEGIN\s*;?\s*$/i.test(text);
// One statement either way, so the limit never costs a round trip of its own.
const settings = (binding: Binding) => {
  if (binding.schema === undefined) {
    return binding.statementTimeoutMs > 0
      ? { text: SET_TENANT_AND_TIMEOUT_SQL, values: [binding.tenantId, String(binding.statementTimeoutMs)] }
      : { text: SET_TENANT_SQL, values: [binding.tenantId] };
  }
  const inSchema = `${SET_TENANT_SQL}, set_config('search_path', $2, true)`;
  return binding.statementTimeoutMs > 0
    ? {
        text: `${inSchema}, set_config('statement_timeout', $3, true)`,
        values: [binding.tenantId, searchPathOf(binding.schema), String(binding.statementTimeoutMs)],
      }
    : { text: inSchema, values: [binding.tenantId, searchPathOf(binding.schema)] };
};

/** The search_path of a schema tenant: its schema, then pg_temp (named, so it is searched last). */
export function searchPathOf(schema: string): string {
  assertPlacement({ tier: 'schema', schema });
  return `"${schema}", pg_temp`;
}

/** Rewrites a statement for a binding's schema (identity when it has none). */
export type StatementRewriter = (text: string, schema: string) => string;

/**
 * A pg.Pool look-alike (Prisma's PrismaPg adapter accepts a pg.Pool) that takes connections from a
 * ConnectionSource and scopes every statement to its binding. It opens no connections of its own.
 */
export class ScopedPool extends pg.Pool {
  constructor(
    private readonly source: ConnectionSource,
    readonly mode: TenantDbMode = 'pipelined',
    private readonly rewrite?: StatementRewriter,
  ) {
    super({ max: 1, allowExitOnIdle: true });
  }

  /** The statement as it must run for `binding`: placed tables qualified with its schema. */
  private scoped(query: QueryConfig, binding: Binding): QueryConfig {
    if (binding.schema === undefined) return query;
    if (!this.rewrite) throw new Error('A schema tenant needs a scoped pool that knows the placed tables (rewrite).');
    const text = this.rewrite(query.text, binding.schema);
    return text === query.text ? query : { ...query, text };
  }

  // A single statement outside any interactive transaction.
  // @ts-expect-error -- narrower than pg.Pool's overloads: Prisma's adapter only calls query(config).
  override async query(config: QueryConfig | string, values?: unknown[]): Promise<pg.QueryResult> {
    const binding = this.source.binding();
    const query = this.scoped(typeof config === 'string' ? { text: config, values } : config, binding);
    const { client, done } = await this.source.checkout();
    let broken: Error | undefined;
    try {
      if (this.mode === 'pipelined') return await pipelined(client, query, { before: [settings(binding)] });
      await client.query('BEGIN');
      try {
        await client.query(settings(binding));
        const result = await client.query(query);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
    } catch (error) {
      if (isBroken(error)) broken = error as Error;
      throw error;
    } finally {
      done(broken);
    }
  }

  // A connection for an interactive transaction. Prisma sends BEGIN on it first; we make the
  // tenant part of that same transaction. Prisma's adapter only uses the promise form of connect().
  override async connect(): Promise<pg.PoolClient> {
    const binding = this.source.binding();
    const { client, done } = await this.source.checkout();
    const mode = this.mode;
    const originalQuery = client.query.bind(client) as (config: QueryConfig) => Promise<pg.QueryResult>;
    let broken: Error | undefined;
    let released = false;
    const scopedQuery = async (config: QueryConfig | string, values?: unknown[]) => {
      const query = this.scoped(typeof config === 'string' ? { text: config, values } : config, binding);
      try {
        if (!isBegin(query.text)) return await originalQuery(query);
        if (mode === 'pipelined') return await pipelined(client, query, { after: [settings(binding)] });
        const begun = await originalQuery(query);
        await originalQuery(settings(binding));
        return begun;
      } catch (error) {
        if (isBroken(error)) broken ??= error as Error;
        throw error;
      }
    };
    const release = (error?: Error | boolean) => {
      if (released) return;
      released = true;
      done(broken ?? (error instanceof Error ? error : error ? new Error('released as broken') : undefined));
    };
    return new Proxy(client, {
      get(target, property, receiver) {
        if (property === 'query') return scopedQuery;
        if (property === 'release') return release;
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** The connections belong to someone else: ending a view ends nothing. */
  override async end(): Promise<void> {}
}

/** A ScopedPool bound to one tenant for its whole life, taking connections from `shared`. */
export class TenantBoundPool extends ScopedPool {
  readonly tenantId: string;

  constructor(shared: pg.Pool, tenantId: string, mode: TenantDbMode = 'pipelined', statementTimeoutMs = 0) {
    const binding: Binding = { tenantId: assertTenantId(tenantId), statementTimeoutMs };
    super(
      {
        binding: () => binding,
        checkout: async () => {
          const client = await shared.connect();
          return { client, done: (broken?: Error) => client.release(broken) };
        },
      },
      mode,
    );
    this.tenantId = tenantId;
  }
}

/**
 * True when the connection may hold unread responses or a broken session: a network error, the
 * server going away, or a pipeline that failed while it was being written (WRITE_FAILED).
 */
export function isBroken(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { [WRITE_FAILED]?: boolean })[WRITE_FAILED]) return true;
  const code = (error as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === '57P01' || code === '08006' || code === '08003';
}
