import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, type SeededTenant } from '@/test/fixtures';
import { pipelined, SET_TENANT_SQL } from './pipeline';

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
      const result = await pipelined(client, { text: 'SELECT id, notes FROM customers WHERE notes LIKE $1', values: ['CANARY%'] }, { before: setTenant(acme.id) });
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
        { text: 'SELECT count(*) AS n, now() AS at FROM orders', rowMode: 'array', types: { getTypeParser: () => (v: string) => `parsed:${v}` } } as pg.QueryConfig,
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
      await expect(pipelined(client, { text: 'SELECT no_such_column FROM customers' }, { before: setTenant(acme.id) })).rejects.toThrow(/no_such_column/);
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
        pipelined(client, { text: `INSERT INTO customers (tenant_id, name, email) VALUES ($1, 'x', 'x@x.test')`, values: [globex.id] }, { before: setTenant(acme.id) }),
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
