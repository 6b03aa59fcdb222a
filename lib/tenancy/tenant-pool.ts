import pg from 'pg';
import { pipelined, SET_TENANT_SQL } from './pipeline';

// Layer (a), the database layer: a view of the shared connection pool that is bound to ONE tenant
// at construction. Every statement it runs carries `app.tenant_id` for that tenant, set
// transaction-locally (set_config(…, true)), so row-level security filters it; nothing is ever set
// at session level, so nothing survives into the next checkout of the connection.
//
// Why a bound view rather than reading the tenant from AsyncLocalStorage inside the driver: with
// Prisma 7 the context does not reach the driver adapter — queries run from Prisma's own async
// resources (its request batcher dispatches on a process.nextTick of whichever call came first).
// A driver that looked up "the current tenant" would see none, or another request's.
// lib/tenancy/ambient-hazard.test.ts shows it. A view bound by object identity cannot be confused.
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

type QueryConfig = pg.QueryConfig & { rowMode?: 'array' };

const isBegin = (text: string) => /^\s*BEGIN\s*;?\s*$/i.test(text);

/**
 * A pg.Pool look-alike (Prisma's PrismaPg adapter accepts a pg.Pool) that borrows connections from
 * `shared` and scopes every statement to `tenantId`. It opens no connections of its own.
 */
export class TenantBoundPool extends pg.Pool {
  readonly tenantId: string;

  constructor(
    private readonly shared: pg.Pool,
    tenantId: string,
    readonly mode: TenantDbMode = 'pipelined',
  ) {
    super({ max: 1, allowExitOnIdle: true });
    this.tenantId = assertTenantId(tenantId);
  }

  // A single statement outside any interactive transaction.
  // @ts-expect-error -- narrower than pg.Pool's overloads: Prisma's adapter only calls query(config).
  override async query(config: QueryConfig | string, values?: unknown[]): Promise<pg.QueryResult> {
    const query: QueryConfig = typeof config === 'string' ? { text: config, values } : config;
    const client = await this.shared.connect();
    let broken: Error | undefined;
    try {
      if (this.mode === 'pipelined') {
        return await pipelined(client, query, { before: [{ text: SET_TENANT_SQL, values: [this.tenantId] }] });
      }
      await client.query('BEGIN');
      try {
        await client.query(SET_TENANT_SQL, [this.tenantId]);
        const result = await client.query(query);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      }
    } catch (error) {
      if (isConnectionError(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  // A connection for an interactive transaction. Prisma sends BEGIN on it first; we make the
  // tenant part of that same transaction.
  // Prisma's adapter only uses the promise form of connect().
  override async connect(): Promise<pg.PoolClient> {
    const client = await this.shared.connect();
    const tenantId = this.tenantId;
    const mode = this.mode;
    const originalQuery = client.query.bind(client) as (config: QueryConfig) => Promise<pg.QueryResult>;
    const scopedQuery = async (config: QueryConfig | string, values?: unknown[]) => {
      const query: QueryConfig = typeof config === 'string' ? { text: config, values } : config;
      if (!isBegin(query.text)) return originalQuery(query);
      if (mode === 'pipelined') return pipelined(client, query, { after: [{ text: SET_TENANT_SQL, values: [tenantId] }] });
      const begun = await originalQuery(query);
      await originalQuery({ text: SET_TENANT_SQL, values: [tenantId] });
      return begun;
    };
    return new Proxy(client, {
      get(target, property, receiver) {
        if (property === 'query') return scopedQuery;
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** The shared pool belongs to someone else: ending a view ends nothing. */
  override async end(): Promise<void> {}
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === '57P01' || code === '08006' || code === '08003';
}
