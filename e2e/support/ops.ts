import { readFileSync } from 'node:fs';
import path from 'node:path';

import pg from 'pg';

// The ops role (BYPASSRLS) from a test, for what no page or endpoint may do: set a workspace's plan
// directly, or hold a row lock from outside the app. That lock makes a workspace hold its whole
// share of the app's pool on purpose and deterministically: writes to the row block behind it —
// each on one of the workspace's slots — until release(). No timing, no slow query. Used by
// e2e/leaks/busy.spec.ts and lib/api/unavailable.test.ts.

/** Where scripts/e2e-server.ts leaves the ops role's URL of its throw-away database for the tests. */
export const opsUrlFile = (port: string) => path.join(process.cwd(), '.e2e', `ops-${port}.url`);

/** The ops URL of the e2e server at `baseURL` (written by scripts/e2e-server.ts). */
export function e2eOpsUrl(baseURL: string): string {
  const file = opsUrlFile(new URL(baseURL).port);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`${file} is missing: run the suite against scripts/e2e-server.ts (playwright.config.ts starts it).`);
  }
}

export async function withOps<T>(connectionString: string, work: (db: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: 'bulkhead-test-ops' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface RowLock {
  /** Resolves once `n` sessions wait behind the lock (directly, or behind each other). */
  blocking(n: number, timeoutMs?: number): Promise<void>;
  /** Ends the transaction; idempotent, so a `finally` may call it again. */
  release(): Promise<void>;
}

export async function lockRow(connectionString: string, table: 'orders', id: string): Promise<RowLock> {
  const client = new pg.Client({ connectionString, application_name: 'bulkhead-test-lock' });
  await client.connect();
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= client
      .query('ROLLBACK')
      .then(() => undefined)
      .finally(() => client.end()));
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
    if (rowCount !== 1) throw new Error(`no ${table} row ${id} to lock`);
  } catch (error) {
    await release();
    throw error;
  }
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = rows[0]!.pid;
  // One query at a time on this client: release() waits for a count in flight.
  let counting: Promise<number> = Promise.resolve(0);
  const countBehind = async () => {
    // The activity view is read once per transaction unless its snapshot is cleared.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows: counted } = await client.query<{ n: number }>(
      `WITH RECURSIVE behind(pid) AS (
         SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))
         UNION SELECT a.pid FROM pg_stat_activity a JOIN behind b ON b.pid = ANY(pg_blocking_pids(a.pid)))
       SELECT count(*)::int AS n FROM behind`,
      [pid],
    );
    return counted[0]!.n;
  };
  return {
    async blocking(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await (counting = countBehind())) < n) {
        if (Date.now() > deadline)
          throw new Error(`fewer than ${n} sessions waited behind the lock on ${table} ${id} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async release() {
      await counting.catch(() => 0);
      await release();
    },
  };
}
