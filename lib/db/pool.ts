import pg from 'pg';
import { env } from '../env';

// The running app's one connection pool, as the restricted runtime role (DATABASE_URL). Kept on
// globalThis so Next's dev-mode module reloading does not open a new pool on every edit.

const globalForPool = globalThis as unknown as { bulkheadPool?: pg.Pool };

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
  await pool?.end();
}

export interface DatabaseHealth {
  up: boolean;
  latencyMs: number;
  error?: string;
}

/** A cheap round trip that proves the runtime role can connect and run a statement. */
export async function checkDatabase(timeoutMs = 2_000): Promise<DatabaseHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([appPool().query('SELECT 1'), timeout]);
    return { up: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      up: false,
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
