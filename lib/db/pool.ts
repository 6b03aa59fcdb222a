import pg from 'pg';

import { env } from '../env';

// The running app's one connection pool, as the restricted runtime role (DATABASE_URL). Kept on
// globalThis so Next's dev-mode module reloading does not open a new pool on every edit.

const globalForPool = globalThis as unknown as { bulkheadPool?: pg.Pool; bulkheadPoolClosers?: Array<() => void> };

/** Runs `hook` when the app's pool is closed, before it ends (the tenant slots give back their connections). */
export function beforeAppPoolCloses(hook: () => void): void {
  (globalForPool.bulkheadPoolClosers ??= []).push(hook);
}

export function appPool(): pg.Pool {
  if (!globalForPool.bulkheadPool) {
    const pool = new pg.Pool({
      connectionString: env().DATABASE_URL,
      max: env().DATABASE_POOL_SIZE,
      application_name: 'bulkhead-app',
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection the server closes (restart, failover) must not crash the process; the
    // pool discards it and the next checkout opens a new one.
    pool.on('error', (error) => console.error('db: idle connection error:', error.message));
    globalForPool.bulkheadPool = pool;
  }
  return globalForPool.bulkheadPool;
}

/** Closes the pool (tests, graceful shutdown). */
export async function closeAppPool(): Promise<void> {
  const pool = globalForPool.bulkheadPool;
  globalForPool.bulkheadPool = undefined;
  for (const hook of globalForPool.bulkheadPoolClosers?.splice(0) ?? []) hook();
  await pool?.end();
}
