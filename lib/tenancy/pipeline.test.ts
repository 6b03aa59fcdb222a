import { isBroken, pipelined, SET_TENANT_SQL, TenantBoundPool, WRITE_FAILED } from '@bulkhead/tenancy';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setupTestDatabase } from '@/test/db';
import { seedTenant, type SeededTenant } from '@/test/fixtures';

const db = setupTestDatabase();
let pool: pg.Pool;
let acme: SeededTenant;
let globex: SeededTenant;

beforeAll(async () => {
  acme = await seedTenant(db.current.urls.ops, 'acme');
  globex = await seedTenant(db.current.urls.ops, 'globex');
  // One connection: every query below reuses the same server session.
  pool = new pg.Pool({ connectionString: db.current.urls.app, max: 1 });
});
afterAll(() => pool.end());

const setTenant = (tenantId: string) => [{ text: SET_TENANT_SQL, values: [tenantId] }];

describe('pipelined set_config + query', () => {
  it('sees nothing without a tenant (fail closed)', async () => {
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM customers');
    expect(rows[0].n).toBe(0);
  });

  it("runs the query under the tenant's setting and returns only its rows", async () => {
    const client = await pool.connect();
    try {
      const result = await pipelined(
        client,
        { text: 'SELECT id, notes FROM customers WHERE notes LIKE $1', values: ['CANARY%'] },
        { before: setTenant(acme.id) },
      );
      expect(result.rows.map((r) => r.id).sort()).toEqual([...acme.customerIds].sort());
      expect(result.rows.every((r) => r.notes === acme.canary)).toBe(true);
      expect(result.command).toBe('SELECT');
      expect(result.rowCount).toBe(acme.customerIds.length);
    } finally {
      client.release();
    }
  });

  it('leaves no tenant behind on the connection', async () => {
    const client = await pool.connect();
    try {
      await pipelined(client, { text: 'SELECT 1' }, { before: setTenant(globex.id) });
      const { rows } = await client.query(`SELECT current_setting('app.tenant_id', true) AS t, (SELECT count(*)::int FROM customers) AS n`);
      expect(rows[0].t ?? '').toBe('');
      expect(rows[0].n).toBe(0);
    } finally {
      client.release();
    }
  });

  it('keeps array row mode and the caller type parsers', async () => {
    const client = await pool.connect();
    try {
      const result = await pipelined(
        client,
        {
          text: 'SELECT count(*) AS n, now() AS at FROM orders',
          rowMode: 'array',
          types: { getTypeParser: () => (v: string) => `parsed:${v}` },
        } as pg.QueryConfig,
        { before: setTenant(acme.id) },
      );
      expect(result.rows).toEqual([[`parsed:${acme.orderIds.length}`, expect.stringMatching(/^parsed:/)]]);
    } finally {
      client.release();
    }
  });

  it('reports an error of the query and leaves the connection usable', async () => {
    const client = await pool.connect();
    try {
      await expect(pipelined(client, { text: 'SELECT no_such_column FROM customers' }, { before: setTenant(acme.id) })).rejects.toThrow(
        /no_such_column/,
      );
      const { rows } = await client.query('SELECT 1 AS ok');
      expect(rows[0].ok).toBe(1);
    } finally {
      client.release();
    }
  });

  it('refuses a write of another tenant row through the policy (WITH CHECK)', async () => {
    const client = await pool.connect();
    try {
      await expect(
        pipelined(
          client,
          { text: `INSERT INTO customers (tenant_id, name, email) VALUES ($1, 'x', 'x@x.test')`, values: [globex.id] },
          { before: setTenant(acme.id) },
        ),
      ).rejects.toMatchObject({ code: '42501' });
    } finally {
      client.release();
    }
  });

  it('opens an interactive transaction with the tenant set, and drops it at COMMIT', async () => {
    const client = await pool.connect();
    try {
      const begun = await pipelined(client, { text: 'BEGIN' }, { after: setTenant(globex.id) });
      expect(begun.command).toBe('BEGIN');
      const inside = await client.query('SELECT array_agg(id::text) AS ids FROM customers');
      expect([...inside.rows[0].ids].sort()).toEqual([...globex.customerIds].sort());
      await client.query('COMMIT');
      const after = await client.query('SELECT count(*)::int AS n FROM customers');
      expect(after.rows[0].n).toBe(0);
    } finally {
      client.release();
    }
  });
});

describe('a pipeline that fails while it is being written', () => {
  // A value that cannot be serialised: the error is raised in the middle of writing the pipeline,
  // after the tenant's set_config may already be on the wire without its Sync. Such a connection
  // must be destroyed: the next borrower's statements would join that implicit transaction.
  const poison = {
    toPostgres: () => {
      throw new Error('cannot serialise this value');
    },
  };
  const backend = async () =>
    (
      await pool.query(
        `SELECT pg_backend_pid() AS pid, current_setting('app.tenant_id', true) AS tenant, (SELECT count(*)::int FROM customers) AS visible`,
      )
    ).rows[0] as {
      pid: number;
      tenant: string | null;
      visible: number;
    };

  it('in the main statement: the scoped pool releases the connection as broken; the next borrower gets a fresh one with no tenant', async () => {
    const bound = new TenantBoundPool(pool, acme.id);
    const before = await backend();
    // Positive control: an ordinary SQL error keeps the connection (same backend afterwards).
    await expect(bound.query({ text: 'SELECT no_such_column FROM customers' })).rejects.toThrow(/no_such_column/);
    expect((await backend()).pid).toBe(before.pid);

    const error = await bound.query({ text: 'SELECT $1::text AS v', values: [poison] }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/cannot serialise/);
    expect(isBroken(error)).toBe(true);
    const after = await backend();
    expect(after.pid).not.toBe(before.pid);
    expect(after.tenant ?? '').toBe('');
    expect(after.visible).toBe(0);
    // And the tenant path still works on the new connection.
    expect((await bound.query({ text: 'SELECT count(*)::int AS n FROM customers' })).rows[0].n).toBe(acme.customerIds.length);
  });

  it('in a statement written before or after the main one: marked as a write failure', async () => {
    for (const where of ['before', 'after'] as const) {
      const client = await pool.connect();
      const before = await client.query('SELECT pg_backend_pid() AS pid');
      const statements = { [where]: [{ text: SET_TENANT_SQL, values: [poison] }] };
      const error = await pipelined(client, { text: where === 'after' ? 'BEGIN' : 'SELECT 1' }, statements).catch(
        (caught: unknown) => caught,
      );
      expect((error as { [WRITE_FAILED]?: boolean })[WRITE_FAILED]).toBe(true);
      expect(isBroken(error)).toBe(true);
      client.release(error as Error);
      expect((await backend()).pid).not.toBe(before.rows[0].pid);
    }
  });
});
