import pg from 'pg';

// The fast path: put the tenant into a query's transaction without an extra round trip.
//
// node-postgres accepts a "Submittable" — an object that writes its own protocol messages. This one
// writes, in one network flush and before a single Sync:
//
//   Parse/Bind/Execute  SELECT set_config('app.tenant_id', $1, true)      ← transaction-local
//   Parse/Bind/Describe/Execute  <the query>
//   Sync
//
// PostgreSQL runs everything between two Syncs in one implicit transaction, so the setting is in
// effect for the query and is gone when it ends: a pooled connection can never carry a tenant into
// the next checkout. Only the query's own rows and command tag reach the caller; the set_config
// row is swallowed. Same trick for BEGIN of an interactive transaction (`after` instead of
// `before`): BEGIN + set_config in one round trip, and the setting lives until COMMIT/ROLLBACK.
// Tests: test/pipeline.test.ts in this package.

export const SET_TENANT_SQL = "SELECT set_config('app.tenant_id', $1, true)";
/** The tenant and the plan's statement timeout (ms, as text) in one statement: still one round trip. */
export const SET_TENANT_AND_TIMEOUT_SQL = "SELECT set_config('app.tenant_id', $1, true), set_config('statement_timeout', $2, true)";

/**
 * Marks an error raised while a pipeline was being written (a value that cannot be serialised, a
 * bind that throws). Some of the pipeline may already be on the wire without its Sync, and the
 * server is waiting for the rest: the connection must be destroyed, never reused — the next
 * borrower's statements would otherwise join this pipeline's implicit transaction, tenant setting
 * included. Callers release such a connection as broken (tenant-pool.ts isBroken()).
 */
export const WRITE_FAILED = Symbol.for('bulkhead.pipelineWriteFailed');

function markWriteFailed(error: unknown): Error {
  const marked = error instanceof Error ? error : new Error(String(error));
  (marked as Error & { [WRITE_FAILED]?: boolean })[WRITE_FAILED] = true;
  return marked;
}

export interface PipelineStatement {
  text: string;
  values: unknown[];
}

type QueryConfig = pg.QueryConfig & { rowMode?: 'array'; types?: unknown };
type Callback = (error: Error | null, result?: pg.QueryResult) => void;

interface ProtocolConnection {
  parse(query: { text: string; name?: string; types?: unknown[] }): void;
  bind(config: { portal?: string; statement?: string; values?: unknown[] }): void;
  execute(config: { portal?: string; rows?: number }): void;
  stream: { cork?: () => void; uncork?: () => void };
}

// pg's Query knows how to parse rows with the caller's type parsers and rowMode; we reuse it and
// only add the extra statements around it.
const BaseQuery = (pg as unknown as { Query: new (config: QueryConfig, values?: unknown, callback?: Callback) => PgQueryInternals }).Query;

interface PgQueryInternals {
  submit(connection: ProtocolConnection): Error | null;
  handleDataRow(message: unknown): void;
  handleRowDescription(message: unknown): void;
  handleCommandComplete(message: unknown, connection: ProtocolConnection): void;
  handleEmptyQuery(connection: ProtocolConnection): void;
  handleError(error: Error, connection: ProtocolConnection): void;
}

class PipelinedQuery extends BaseQuery {
  /** Index of the statement whose CommandComplete we are waiting for. */
  private statement = 0;

  constructor(
    config: QueryConfig,
    private readonly before: PipelineStatement[],
    private readonly after: PipelineStatement[],
    callback: Callback,
  ) {
    // The extended protocol for the main query too: a simple-protocol Query message would end the
    // pipeline (and the implicit transaction) early.
    super({ ...config, queryMode: 'extended' } as QueryConfig, undefined, callback);
    if (after.length > 0 && config.values?.length) {
      throw new Error('pipelined(): statements after the main one need a main statement without parameters (BEGIN).');
    }
    this.mainText = config.text;
  }

  private readonly mainText: string;

  private get isMain(): boolean {
    return this.statement === this.before.length;
  }

  /** True while this query writes its messages: an error raised then is a write failure. */
  private writing = false;

  override submit(connection: ProtocolConnection): Error | null {
    connection.stream.cork?.();
    this.writing = true;
    try {
      for (const statement of this.before) writeStatement(connection, statement);
      if (this.after.length === 0) return super.submit(connection); // main + Sync
      // pg's prepare() always ends the main statement with a Sync, so with statements after it we
      // write the main one ourselves. That is only for a bare statement such as BEGIN: no
      // parameters and no rows to describe (the constructor refuses anything else).
      writeStatement(connection, { text: this.mainText, values: [] });
      for (const statement of this.after) writeStatement(connection, statement);
      (connection as unknown as { sync(): void }).sync();
      return null;
    } catch (error) {
      // Thrown out of client.query(): the promise in pipelined() rejects with it.
      throw markWriteFailed(error);
    } finally {
      this.writing = false;
      connection.stream.uncork?.();
    }
  }

  // pg's own prepare() catches a bind error of the main statement and reports it here, before the
  // server has answered what was already written.
  override handleError(error: Error, connection: ProtocolConnection): void {
    super.handleError(this.writing ? markWriteFailed(error) : error, connection);
  }

  override handleRowDescription(message: unknown): void {
    if (this.isMain) super.handleRowDescription(message);
  }

  override handleDataRow(message: unknown): void {
    if (this.isMain) super.handleDataRow(message);
  }

  override handleCommandComplete(message: unknown, connection: ProtocolConnection): void {
    if (this.isMain) super.handleCommandComplete(message, connection);
    this.statement += 1;
  }

  override handleEmptyQuery(connection: ProtocolConnection): void {
    if (this.isMain) super.handleEmptyQuery(connection);
    this.statement += 1;
  }
}

function writeStatement(connection: ProtocolConnection, statement: PipelineStatement): void {
  connection.parse({ text: statement.text, name: '', types: [] });
  connection.bind({ portal: '', statement: '', values: statement.values });
  connection.execute({ portal: '', rows: 0 });
}

/**
 * Runs `config` on `client` with `before` statements ahead of it and `after` statements behind
 * it, all in one round trip and one implicit transaction. Resolves with the main query's result.
 */
export function pipelined(
  client: pg.PoolClient | pg.Client,
  config: QueryConfig,
  { before = [], after = [] }: { before?: PipelineStatement[]; after?: PipelineStatement[] },
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new PipelinedQuery(config, before, after, (error, result) => (error ? reject(error) : resolve(result!)));
    (client as unknown as { query(submittable: unknown): void }).query(query);
  });
}
