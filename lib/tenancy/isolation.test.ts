import type { TenantDbMode } from '@bulkhead/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createOpsClient, type OpsClient } from '@/lib/db/privileged';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';
import { tenantClients } from '@/test/tenancy';

import { audit } from './audit';
import { TenantContextMissingError } from './context';
import { CrossTenantArgumentError, runInTenant, tenantDbFrom } from './index';

// The isolation core, operation kind by operation kind, as the runtime role. Every negative case
// (tenant A reaching for B) sits next to its positive control (A on its own data), and "nothing
// was written to B" is checked through the ops role after first reading a known B row.

// Both modes of layer (a) must give the same answers, so the whole suite runs once per mode.
describe.each<TenantDbMode>(['pipelined', 'transaction'])('tenant client in %s mode', (mode) => {
  const database = setupTestDatabase();
  let acme: SeededTenant;
  let globex: SeededTenant;
  let ops: OpsClient;
  let clients: ReturnType<typeof tenantClients>;

  beforeAll(async () => {
    acme = await seedTenant(database.current.urls.ops, 'acme');
    globex = await seedTenant(database.current.urls.ops, 'globex');
    ops = createOpsClient(database.current.urls.ops);
    clients = tenantClients(database.current.urls.app, { mode });
  });
  afterAll(async () => {
    await clients.close();
    await ops.$disconnect();
  });

  const asAcme = <T>(work: Parameters<typeof clients.as<T>>[1]) => clients.as(acme.id, work);
  const asAcmeControl = <T>(work: Parameters<typeof clients.as<T>>[1]) => clients.asControl(acme.id, work);

  /** Reads B's row first (so the check cannot pass on an empty table), runs `attack`, compares. */
  async function expectGlobexCustomerUntouched(attack: () => Promise<unknown>) {
    const id = globex.customerIds[0]!;
    const before = await ops.customer.findUniqueOrThrow({ where: { tenantId_id: { tenantId: globex.id, id } } });
    expect(before.notes).toBe(globex.canary);
    await attack().catch(() => undefined);
    const after = await ops.customer.findUniqueOrThrow({ where: { tenantId_id: { tenantId: globex.id, id } } });
    expect(after).toEqual(before);
    expect(await ops.customer.count({ where: { tenantId: globex.id } })).toBe(globex.customerIds.length);
  }

  describe('without a tenant context', () => {
    it('the app layer refuses to hand out a client', () => {
      expect(() => tenantDbFrom(clients.factory)).toThrow(TenantContextMissingError);
    });

    it('the database returns no rows and refuses writes to the runtime role', async () => {
      await withClient(database.current.urls.app, async (db) => {
        expect((await db.query('SELECT count(*)::int AS n FROM customers')).rows[0].n).toBe(0);
        expect((await db.query('SELECT count(*)::int AS n FROM tenants')).rows[0].n).toBe(0);
        await expect(
          db.query(`INSERT INTO customers (tenant_id, name, email) VALUES ($1, 'x', 'x@x.test')`, [acme.id]),
        ).rejects.toMatchObject({ code: '42501' });
        // positive control: the same role, inside a tenant, sees that tenant's rows
        await db.query('BEGIN');
        await db.query(`SELECT set_config('app.tenant_id', $1, true)`, [acme.id]);
        expect((await db.query('SELECT count(*)::int AS n FROM customers')).rows[0].n).toBe(acme.customerIds.length);
        await db.query('COMMIT');
      });
    });
  });

  describe('reads', () => {
    it('findMany returns only the tenant’s rows', async () => {
      const rows = await asAcme((db) => db.customer.findMany());
      expect(rows.map((r) => r.id).sort()).toEqual([...acme.customerIds].sort());
      expect(rows.every((r) => r.notes === acme.canary && r.tenantId === acme.id)).toBe(true);
    });

    it('findUnique by key finds its own row and not another tenant’s', async () => {
      const own = await asAcme((db) => db.customer.findUnique({ where: db.$key(acme.customerIds[0]!) }));
      expect(own?.notes).toBe(acme.canary);
      const foreign = await asAcme((db) => db.customer.findUnique({ where: db.$key(globex.customerIds[0]!) }));
      expect(foreign).toBeNull();
    });

    it('findFirst with another tenant’s id finds nothing', async () => {
      expect(await asAcme((db) => db.order.findFirst({ where: { id: acme.orderIds[0] } }))).not.toBeNull();
      expect(await asAcme((db) => db.order.findFirst({ where: { id: globex.orderIds[0] } }))).toBeNull();
    });

    it('count, aggregate and groupBy add up the tenant’s rows only', async () => {
      const { count, sum, groups } = await asAcme(async (db) => ({
        count: await db.order.count(),
        sum: await db.order.aggregate({ _sum: { total: true } }),
        groups: await db.order.groupBy({ by: ['status'], _count: { _all: true } }),
      }));
      const expected = await ops.order.aggregate({ where: { tenantId: acme.id }, _sum: { total: true }, _count: { _all: true } });
      expect(count).toBe(acme.orderIds.length);
      expect(sum._sum.total).toBe(expected._sum.total);
      expect(groups.reduce((n, g) => n + g._count._all, 0)).toBe(expected._count._all);
    });

    it('an explicit filter naming another tenant is refused, not silently rewritten', async () => {
      await expect(asAcme((db) => db.customer.findMany({ where: { tenantId: globex.id } }))).rejects.toThrow(CrossTenantArgumentError);
      await expect(asAcme((db) => db.customer.findMany({ where: { tenantId: { in: [acme.id, globex.id] } } }))).rejects.toThrow(
        CrossTenantArgumentError,
      );
      expect(await asAcme((db) => db.customer.count({ where: { tenantId: acme.id } }))).toBe(acme.customerIds.length);
    });

    it('relations and the global models stay inside the tenant', async () => {
      const order = await asAcme((db) => db.order.findFirst({ include: { customer: true, tenant: true } }));
      expect(order?.customer.notes).toBe(acme.canary);
      expect(order?.tenant.slug).toBe('acme');
      expect((await asAcmeControl((db) => db.tenant.findMany())).map((t) => t.slug)).toEqual(['acme']);
      expect(await asAcmeControl((db) => db.tenant.findUnique({ where: { id: globex.id } }))).toBeNull();
      const users = await asAcmeControl((db) => db.user.findMany());
      expect(users.map((u) => u.email)).toEqual(['owner@acme.test']);
      const memberships = await asAcmeControl((db) => db.user.findMany({ include: { memberships: true } }));
      expect(memberships.flatMap((u) => u.memberships).every((m) => m.tenantId === acme.id)).toBe(true);
    });

    it('models that are not tenant data are not reachable through a tenant client', async () => {
      await expect(asAcmeControl((db) => db.accountToken.findMany())).rejects.toThrow(/not tenant data/);
      await expect(asAcmeControl((db) => db.loginAttempt.findMany())).rejects.toThrow(/not tenant data/);
      // The tenant-data client does not even offer the control plane's tables (docs/tiers.md).
      await expect(asAcme((db) => db.accountToken.findMany())).rejects.toThrow(/control-plane data/);
      await expect(asAcme((db) => db.membership.findMany())).rejects.toThrow(/use controlPlaneDb\(\)/);
      await expect(asAcmeControl((db) => db.order.findMany())).rejects.toThrow(/use tenantDb\(\)/);
    });

    it('tagged raw SQL runs under the tenant; the unsafe raw methods do not exist', async () => {
      const rows = await asAcme((db) => db.$queryRaw<{ notes: string }[]>`SELECT notes FROM customers`);
      expect(rows).toHaveLength(acme.customerIds.length);
      expect(rows.every((r) => r.notes === acme.canary)).toBe(true);
      await expect(
        asAcme(async (db) => (db as unknown as { $queryRawUnsafe(sql: string): Promise<unknown> }).$queryRawUnsafe('SELECT 1')),
      ).rejects.toThrow(/not available on a tenant client/);
    });
  });

  describe('writes', () => {
    it('create puts the row in the tenant in context; naming another tenant is refused', async () => {
      const created = await asAcme((db) => db.customer.create({ data: { name: 'New', email: 'new@acme.test' } }));
      expect(created.tenantId).toBe(acme.id);
      await expectGlobexCustomerUntouched(() =>
        asAcme((db) => db.customer.create({ data: { tenantId: globex.id, name: 'Intruder', email: 'x@globex.test' } })),
      );
      await expect(
        asAcme((db) => db.customer.create({ data: { tenantId: globex.id, name: 'Intruder', email: 'x@globex.test' } })),
      ).rejects.toThrow(CrossTenantArgumentError);
    });

    it('createMany writes every row to the tenant in context', async () => {
      const result = await asAcme((db) =>
        db.product.createMany({
          data: [
            { sku: 'cm-1', name: 'A', unitPrice: 1 },
            { sku: 'cm-2', name: 'B', unitPrice: 2 },
          ],
        }),
      );
      expect(result.count).toBe(2);
      expect(await ops.product.count({ where: { tenantId: acme.id, sku: { startsWith: 'cm-' } } })).toBe(2);
      await expect(
        asAcme((db) => db.product.createMany({ data: [{ tenantId: globex.id, sku: 'cm-x', name: 'X', unitPrice: 1 }] })),
      ).rejects.toThrow(CrossTenantArgumentError);
      expect(await ops.product.count({ where: { tenantId: globex.id, sku: 'cm-x' } })).toBe(0);
    });

    it('update and delete by another tenant’s key find nothing to change', async () => {
      const renamed = await asAcme((db) => db.customer.update({ where: db.$key(acme.customerIds[1]!), data: { name: 'Renamed' } }));
      expect(renamed.name).toBe('Renamed');
      await expectGlobexCustomerUntouched(async () => {
        await expect(
          asAcme((db) => db.customer.update({ where: db.$key(globex.customerIds[0]!), data: { notes: 'pwned' } })),
        ).rejects.toMatchObject({ code: 'P2025' });
        await expect(asAcme((db) => db.customer.delete({ where: db.$key(globex.customerIds[0]!) }))).rejects.toMatchObject({
          code: 'P2025',
        });
        expect(await asAcme((db) => db.customer.updateMany({ where: { id: globex.customerIds[0] }, data: { notes: 'pwned' } }))).toEqual({
          count: 0,
        });
        expect(await asAcme((db) => db.customer.deleteMany({ where: { id: { in: globex.customerIds } } }))).toEqual({ count: 0 });
      });
    });

    it('updateMany and raw UPDATE without a filter touch only the tenant’s rows', async () => {
      await expectGlobexCustomerUntouched(async () => {
        const result = await asAcme((db) => db.customer.updateMany({ data: { company: 'Acme Corp' } }));
        expect(result.count).toBeGreaterThanOrEqual(acme.customerIds.length);
        const raw = await asAcme((db) => db.$executeRaw`UPDATE customers SET phone = '555'`);
        expect(raw).toBe(result.count);
      });
    });

    it('upsert creates in the tenant in context and cannot reach another tenant’s row', async () => {
      const created = await asAcme((db) =>
        db.product.upsert({
          where: { tenantId_sku: { tenantId: acme.id, sku: 'up-1' } },
          create: { sku: 'up-1', name: 'Up', unitPrice: 5 },
          update: { unitPrice: 6 },
        }),
      );
      expect(created.tenantId).toBe(acme.id);
      await expect(
        asAcme((db) =>
          db.product.upsert({
            where: { tenantId_sku: { tenantId: globex.id, sku: `${globex.canary}-SKU-0` } },
            create: { sku: 'x', name: 'x', unitPrice: 1 },
            update: { name: 'pwned' },
          }),
        ),
      ).rejects.toThrow(CrossTenantArgumentError);
      expect((await ops.product.findFirstOrThrow({ where: { tenantId: globex.id, sku: `${globex.canary}-SKU-0` } })).name).toBe(
        'Product 0',
      );
    });

    it('another tenant’s user cannot be pulled in through memberships, nor their password hash read', async () => {
      // The path the isolation audit found: attach B's user to A, then read or change them as a "member".
      await expect(
        asAcme((db) => db.$executeRaw`INSERT INTO memberships (user_id, role) VALUES (${globex.userId}::uuid, 'viewer')`),
      ).rejects.toThrow(/permission denied/);
      await expect(asAcme((db) => db.$executeRaw`UPDATE memberships SET user_id = ${globex.userId}::uuid`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(asAcme((db) => db.$queryRaw`SELECT password_hash FROM users`)).rejects.toThrow(/permission denied/);
      expect(await asAcmeControl((db) => db.user.updateMany({ where: { id: globex.userId }, data: { name: 'pwned' } }))).toEqual({
        count: 0,
      });
      // positive control: the app may still change a member's role and a member's name
      expect(await asAcmeControl((db) => db.membership.updateMany({ where: { userId: acme.userId }, data: { role: 'owner' } }))).toEqual({
        count: 1,
      });
      expect(await asAcmeControl((db) => db.user.updateMany({ where: { id: acme.userId }, data: { name: 'Owner of acme' } }))).toEqual({
        count: 1,
      });
      expect((await ops.user.findUniqueOrThrow({ where: { id: globex.userId } })).name).toBe('Owner of globex');
    });

    it('a nested connect or a foreign key to another tenant’s row is refused', async () => {
      const ownOrder = await asAcme((db) => db.order.create({ data: { number: 5001, customerId: acme.customerIds[0]!, currency: 'USD' } }));
      expect(ownOrder.tenantId).toBe(acme.id);
      await expect(
        asAcme((db) => db.order.create({ data: { number: 5002, customerId: globex.customerIds[0]!, currency: 'USD' } })),
      ).rejects.toMatchObject({ code: 'P2003' });
      await expect(
        asAcme((db) =>
          db.order.create({
            data: {
              number: 5003,
              currency: 'USD',
              tenant: { connect: { id: acme.id } },
              customer: { connect: { tenantId_id: { tenantId: globex.id, id: globex.customerIds[0]! } } },
            },
          }),
        ),
      ).rejects.toThrow(CrossTenantArgumentError);
      await expect(
        asAcme((db) =>
          db.order.create({
            data: {
              number: 5004,
              currency: 'USD',
              tenant: { connect: { id: globex.id } },
              customer: { connect: { tenantId_id: { tenantId: acme.id, id: acme.customerIds[0]! } } },
            },
          }),
        ),
      ).rejects.toThrow();
      expect(await ops.order.count({ where: { number: { in: [5002, 5003, 5004] } } })).toBe(0);
    });
  });

  describe('transactions', () => {
    it('an interactive transaction rolls back everything it wrote', async () => {
      await expect(
        asAcme((db) =>
          db.$transaction(async (tx) => {
            await tx.customer.create({ data: { name: 'Ghost', email: 'ghost@acme.test' } });
            await tx.product.create({ data: { sku: 'ghost', name: 'Ghost', unitPrice: 1 } });
            throw new Error('boom');
          }),
        ),
      ).rejects.toThrow('boom');
      expect(await ops.customer.count({ where: { email: 'ghost@acme.test' } })).toBe(0);
      expect(await ops.product.count({ where: { sku: 'ghost' } })).toBe(0);
      // positive control: the same transaction without the throw commits
      await asAcme((db) => db.$transaction(async (tx) => tx.customer.create({ data: { name: 'Real', email: 'real@acme.test' } })));
      expect(await ops.customer.count({ where: { email: 'real@acme.test', tenantId: acme.id } })).toBe(1);
    });

    it('a batch transaction is all or nothing', async () => {
      await expect(
        asAcme((db) =>
          db.$transaction([
            db.product.create({ data: { sku: 'batch-1', name: 'B', unitPrice: 1 } }),
            db.product.create({ data: { sku: 'batch-1', name: 'dup', unitPrice: 1 } }),
          ]),
        ),
      ).rejects.toMatchObject({ code: 'P2002' });
      expect(await ops.product.count({ where: { sku: 'batch-1' } })).toBe(0);
      const [a, b] = await asAcme((db) =>
        db.$transaction([db.product.create({ data: { sku: 'batch-2', name: 'B', unitPrice: 1 } }), db.customer.count()]),
      );
      expect(a.tenantId).toBe(acme.id);
      expect(b).toBeGreaterThan(0);
    });

    it('nested work joins the open transaction, even on a pool of one connection', async () => {
      const single = tenantClients(database.current.urls.app, { mode, poolSize: 1 });
      try {
        await expect(
          single.as(acme.id, (db) =>
            db.$transaction(async (tx) => {
              await tx.customer.create({ data: { name: 'Outer', email: 'outer@acme.test' } });
              // A helper deeper down asks for "the database" and must get the same transaction.
              const inner = single.db();
              expect(inner).toBe(tx);
              await inner.$transaction(async (again) => again.customer.create({ data: { name: 'Inner', email: 'inner@acme.test' } }));
              throw new Error('roll back both');
            }),
          ),
        ).rejects.toThrow('roll back both');
        expect(await ops.customer.count({ where: { email: { in: ['outer@acme.test', 'inner@acme.test'] } } })).toBe(0);
      } finally {
        await single.close();
      }
    });
  });

  describe('context', () => {
    it('a tenant context cannot be nested inside another tenant’s', async () => {
      await expect(
        runInTenant({ tenantId: acme.id, actorType: 'system' }, () =>
          runInTenant({ tenantId: globex.id, actorType: 'system' }, async () => 1),
        ),
      ).rejects.toThrow(/cannot be nested/);
      expect(
        await runInTenant({ tenantId: acme.id, actorType: 'system' }, () =>
          runInTenant({ tenantId: acme.id, actorType: 'system' }, async () => 1),
        ),
      ).toBe(1);
    });

    it('audit() writes inside the transaction of the change, with the actor from the context', async () => {
      await expect(clients.as(acme.id, () => audit({ action: 'customer.viewed' }))).rejects.toThrow(/inside db.\$transaction/);
      await clients.as(
        acme.id,
        (db) =>
          db.$transaction(async (tx) => {
            await tx.customer.update({ where: tx.$key(acme.customerIds[2]!), data: { name: 'Audited' } });
            await audit({ action: 'customer.updated', targetType: 'customer', targetId: acme.customerIds[2] });
          }),
        { actorId: acme.userId, actorLabel: 'owner@acme.test', requestId: 'req-1' },
      );
      const events = await ops.auditEvent.findMany({ where: { action: 'customer.updated' } });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        tenantId: acme.id,
        actorId: acme.userId,
        actorLabel: 'owner@acme.test',
        requestId: 'req-1',
        targetId: acme.customerIds[2],
      });
      await clients
        .as(acme.id, (db) =>
          db.$transaction(async () => {
            await audit({ action: 'customer.rolled_back' });
            throw new Error('undo');
          }),
        )
        .catch(() => undefined);
      expect(await ops.auditEvent.count({ where: { action: 'customer.rolled_back' } })).toBe(0);
    });
  });
});
