import { TenantBoundPool, type TenantDbMode } from '@bulkhead/tenancy';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaClient } from '@/lib/db/generated/client';
import { createOpsClient, type OpsClient } from '@/lib/db/privileged';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, type SeededTenant } from '@/test/fixtures';

import { tenancy } from './index';

// Each layer alone must stop a leak: the database layer (RLS through the bound pool) with no
// application filter, and the application layer (the scope extension) on a role that bypasses RLS.
// No switch in production code makes this possible — the layers are separate pieces composed in
// lib/tenancy/client.ts, and these tests compose only one of them.

const database = setupTestDatabase();
let acme: SeededTenant;
let globex: SeededTenant;
let ops: OpsClient;
let appPool: pg.Pool;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
  globex = await seedTenant(database.current.urls.ops, 'globex');
  ops = createOpsClient(database.current.urls.ops);
  appPool = new pg.Pool({ connectionString: database.current.urls.app, max: 1 });
});
afterAll(async () => {
  await ops.$disconnect();
  await appPool.end();
});

const globexNotes = () =>
  ops.customer.findMany({ where: { tenantId: globex.id }, select: { id: true, notes: true }, orderBy: { id: 'asc' } });

describe.each<TenantDbMode>(['pipelined', 'transaction'])('layer (a) alone, %s mode: row-level security through the bound pool', (mode) => {
  const rlsOnly = () => new PrismaClient({ adapter: new PrismaPg(new TenantBoundPool(appPool, acme.id, mode) as unknown as pg.Pool) });

  it('a query that forgets the tenant filter still returns only the tenant’s rows', async () => {
    const db = rlsOnly();
    const rows = await db.customer.findMany();
    const expected = await ops.customer.findMany({ where: { tenantId: acme.id }, select: { id: true } });
    expect(rows.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(acme.customerIds));
    // Even asking for the other tenant by name returns nothing.
    expect(await db.customer.findMany({ where: { tenantId: globex.id } })).toEqual([]);
    expect(await db.$queryRaw`SELECT id FROM customers WHERE tenant_id = ${globex.id}::uuid`).toEqual([]);
  });

  it('writes aimed at another tenant are refused or change nothing', async () => {
    const db = rlsOnly();
    const before = await globexNotes();
    expect(before.every((c) => c.notes === globex.canary)).toBe(true);
    await expect(db.customer.create({ data: { tenantId: globex.id, name: 'Intruder', email: 'i@globex.test' } })).rejects.toThrow();
    expect(await db.customer.updateMany({ where: { tenantId: globex.id }, data: { notes: 'pwned' } })).toEqual({ count: 0 });
    expect(await db.customer.deleteMany({ where: { tenantId: globex.id } })).toEqual({ count: 0 });
    expect(await globexNotes()).toEqual(before);
    // positive control: the same writes on its own tenant succeed
    const own = await db.customer.create({ data: { tenantId: acme.id, name: 'Own', email: `own-${mode}@acme.test` } });
    expect(own.tenantId).toBe(acme.id);
  });

  it('leaves no tenant on the pooled connection afterwards', async () => {
    const db = rlsOnly();
    await db.customer.count();
    await db.$transaction(async (tx) => tx.customer.count());
    const { rows } = await appPool.query(
      `SELECT coalesce(current_setting('app.tenant_id', true), '') AS t, (SELECT count(*)::int FROM customers) AS n`,
    );
    expect(rows[0]).toEqual({ t: '', n: 0 });
  });
});

describe('layer (b) alone: the scope extension on a role that bypasses row-level security', () => {
  it('negative control: without the extension this role sees every tenant', async () => {
    const seen = await ops.customer.findMany({ select: { tenantId: true } });
    expect(new Set(seen.map((c) => c.tenantId))).toEqual(new Set([acme.id, globex.id]));
  });

  it('with the extension, reads and unfiltered writes stay inside the tenant', async () => {
    const db = ops.$extends(tenancy.tenantScope(acme.id));
    const rows = await db.customer.findMany();
    expect(rows.length).toBeGreaterThanOrEqual(acme.customerIds.length);
    expect(rows.every((r) => r.tenantId === acme.id)).toBe(true);
    expect(await db.customer.findFirst({ where: { id: globex.customerIds[0] } })).toBeNull();

    const before = await globexNotes();
    const updated = await db.customer.updateMany({ data: { company: 'Scoped' } });
    expect(updated.count).toBe(rows.length);
    await expect(db.customer.delete({ where: { tenantId_id: { tenantId: acme.id, id: globex.customerIds[0]! } } })).rejects.toMatchObject({
      code: 'P2025',
    });
    await expect(db.customer.create({ data: { tenantId: globex.id, name: 'x', email: 'x@globex.test' } })).rejects.toThrow(
      /not the tenant in context/,
    );
    const created = await db.customer.create({ data: { name: 'Scoped', email: 'scoped@acme.test' } as never });
    expect(created.tenantId).toBe(acme.id);
    expect(await globexNotes()).toEqual(before);
  });
});
