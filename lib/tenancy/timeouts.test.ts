import { StatementTimeoutError, type TenantDbMode } from '@bulkhead/tenancy';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';
import { tenantClients } from '@/test/tenancy';

import type { StatementTimeoutEvent, TenantClient } from './index';

// Statement timeouts by plan, set transaction-locally in the same statement as the tenant. Short
// configured limits (free 300 ms, pro 3 s; batch work 3 s for free), never the defaults.

/** A pool whose connections count the query() calls made on them: round trips, in effect. */
class CountingPool extends pg.Pool {
  calls = 0;
  // The promise form only, which is all the tenant client uses.
  override async connect(): Promise<pg.PoolClient> {
    const client = (await super.connect()) as pg.PoolClient & { counted?: boolean };
    if (!client.counted) {
      client.counted = true;
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        this.calls++;
        return query(...args);
      };
    }
    return client;
  }
}

describe.each<TenantDbMode>(['pipelined', 'transaction'])('statement timeouts by plan in %s mode', (mode) => {
  const database = setupTestDatabase();
  let acme: SeededTenant;
  let clients: ReturnType<typeof tenantClients>;
  const logged: StatementTimeoutEvent[] = [];

  beforeAll(async () => {
    acme = await seedTenant(database.current.urls.ops, 'acme');
    clients = tenantClients(database.current.urls.app, {
      mode,
      poolSize: 4,
      policy: { statementTimeoutMs: { interactive: { free: 300, pro: 3_000 }, batch: { free: 3_000 } } },
      onStatementTimeout: (event) => logged.push(event),
    });
  });
  afterAll(() => clients.close());

  const sleep = (seconds: number) => (db: ReturnType<typeof clients.db>) =>
    db.$queryRaw<{ one: number }[]>`SELECT 1 AS one FROM pg_sleep(${seconds})`;

  it('a free tenant’s statement past 300 ms is cancelled with a StatementTimeoutError and a log line naming tenant and request', async () => {
    const error = await clients.as(acme.id, sleep(0.8), { plan: 'free', requestId: 'req-timeout-1' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect(error).toMatchObject({ code: 'statement_timeout', status: 503, limitMs: 300, plan: 'free', workload: 'interactive' });
    expect((error as Error).message).toMatch(/longer than the 300 ms your free plan allows/);
    expect(logged).toContainEqual({ tenantId: acme.id, requestId: 'req-timeout-1', plan: 'free', workload: 'interactive', limitMs: 300 });
  });

  it('the same statement runs to the end on pro (positive control), and as batch work on free', async () => {
    expect(await clients.as(acme.id, sleep(0.8), { plan: 'pro' })).toEqual([{ one: 1 }]);
    expect(await clients.as(acme.id, sleep(0.8), { plan: 'free', workload: 'batch' })).toEqual([{ one: 1 }]);
  });

  it('model queries time out too (here: waiting on a lock another session holds)', async () => {
    const locker = new pg.Client({ connectionString: database.current.urls.ops });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const error = await clients.as(acme.id, (db) => db.customer.findMany(), { plan: 'free' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StatementTimeoutError);
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  it('nothing of a transaction that timed out is written', async () => {
    const error = await clients
      .as(
        acme.id,
        (db) =>
          db.$transaction(async (tx) => {
            await tx.customer.create({ data: { name: 'Half', email: 'half-written@acme.test' } });
            await tx.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.8)`;
          }),
        { plan: 'free' },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StatementTimeoutError);
    const written = await withClient(database.current.urls.ops, (db) =>
      db.query(`SELECT 1 FROM customers WHERE email = 'half-written@acme.test'`),
    );
    expect(written.rowCount).toBe(0);
    // Positive control: the same transaction without the slow statement writes its row.
    await clients.as(
      acme.id,
      (db) => db.$transaction(async (tx) => tx.customer.create({ data: { name: 'Whole', email: 'whole@acme.test' } })),
      { plan: 'free' },
    );
    const whole = await withClient(database.current.urls.ops, (db) => db.query(`SELECT 1 FROM customers WHERE email = 'whole@acme.test'`));
    expect(whole.rowCount).toBe(1);
  });

  it('the limit is transaction-local: in effect for the statement, gone from the connection afterwards', async () => {
    const pool = new pg.Pool({ connectionString: database.current.urls.app, max: 1 });
    const single = tenantClients(database.current.urls.app, {
      mode,
      poolSize: 1,
      slots: 1,
      policy: { statementTimeoutMs: { interactive: { free: 300 } } },
    });
    try {
      const [inside] = await single.as(
        acme.id,
        (db) => db.$queryRaw<{ limit: string }[]>`SELECT current_setting('statement_timeout') AS limit`,
        { plan: 'free' },
      );
      expect(inside!.limit).toBe('300ms');
      const inTransaction = await single.as(
        acme.id,
        (db) => db.$transaction((tx) => tx.$queryRaw<{ limit: string }[]>`SELECT current_setting('statement_timeout') AS limit`),
        { plan: 'free' },
      );
      expect(inTransaction[0]!.limit).toBe('300ms');
      // The one connection of that pool, straight after: the session's own setting.
      const after = await single.pool.query(
        `SELECT current_setting('statement_timeout') AS limit, current_setting('app.tenant_id', true) AS tenant`,
      );
      expect(after.rows[0]).toEqual({ limit: '0', tenant: '' });
    } finally {
      await single.close();
      await pool.end();
    }
  });

  it('costs no round trip of its own', async () => {
    const count = async (statementTimeoutMs: number) => {
      const pool = new CountingPool({ connectionString: database.current.urls.app, max: 2 });
      const { createTenantClientFactory } = await import('./index');
      const factory = createTenantClientFactory({
        pool,
        mode,
        slots: 1,
        policy: { statementTimeoutMs: { interactive: { free: statementTimeoutMs } } },
      });
      const db = factory.forTenant(acme.id) as TenantClient;
      await db.customer.count(); // warm: connection opened
      const before = pool.calls;
      await db.customer.findMany();
      await db.$transaction(async (tx) => tx.customer.count());
      const calls = pool.calls - before;
      await pool.end();
      return calls;
    };
    const withLimit = await count(300);
    const withoutLimit = await count(0);
    expect(withLimit).toBe(withoutLimit);
    // pipelined: 1 for the statement, BEGIN+settings 1 + count 1 + COMMIT 1; transaction mode: 4 + 4.
    expect(withLimit).toBe(mode === 'pipelined' ? 4 : 8);
  });
});

describe('the transaction as a whole', () => {
  const database = setupTestDatabase();
  let acme: SeededTenant;
  beforeAll(async () => {
    acme = await seedTenant(database.current.urls.ops, 'acme');
  });

  it(
    'may last as long as the plan’s statement limit plus 5 s (Prisma’s own default would end it at 5 s)',
    { timeout: 30_000 },
    async () => {
      const clients = tenantClients(database.current.urls.app, { policy: { statementTimeoutMs: { interactive: { pro: 3_000 } } } });
      try {
        // 5.5 s between two statements, each well under the limit: within 3 + 5 s.
        const count = await clients.as(
          acme.id,
          (db) =>
            db.$transaction(async (tx) => {
              await tx.customer.count();
              await new Promise((resolve) => setTimeout(resolve, 5_500));
              return tx.customer.count();
            }),
          { plan: 'pro' },
        );
        expect(count).toBe(acme.customerIds.length);
        // A caller's own timeout still wins.
        await expect(
          clients.as(
            acme.id,
            (db) =>
              db.$transaction(
                async (tx) => {
                  await new Promise((resolve) => setTimeout(resolve, 700));
                  return tx.customer.count();
                },
                { timeout: 300 },
              ),
            { plan: 'pro' },
          ),
        ).rejects.toThrow(/expired|timeout/i);
      } finally {
        await clients.close();
      }
    },
  );
});
